"""`docgen new`: a document folder that passes `docgen check`, each field explained in a comment.

The comments come from the reader's field definitions (`readers.yaml.Field.about`), the same
ones the JSON Schema is made from; each file starts with a `# yaml-language-server: $schema=`
line pointing at copies of the schemas written beside the document folders
(`<content>/.docgen/schema/`), so an editor validates and completes as the author types.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from docgen.readers import organs
from docgen.authoring import schema
from docgen.data import tables
from docgen.diagnostics import Diagnostic
from docgen.readers.yaml import DOCUMENT_FIELDS, REPORT_FIELDS, REPORT_VERSION_FIELDS, VERSION_FIELDS

SCHEMA_DIR = Path(".docgen") / "schema"  # beside the document folders


class NewError(Exception):
    pass


def _quote(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _comment(text: str, indent: str = "") -> str:
    return f"{indent}# {text}\n"


# The forms `docgen new --form` writes (docs/content-format.md, "Forms"):
FORMS = {
    "adopted": "the adopted text, issued as its own document (A/RES/...): adoption line, number, meeting line",
    "draft": "a draft (L. document) not yet adopted: Distr.: Limited, the L. symbol, the sponsors; "
             "add the adopted facts to the same folder when it is adopted",
    "narrative": "a decision in narrative form: no formula, one paragraph that says where and when it was taken",
    "in-report": "a text printed inside a report (the report's symbol, no adoption line of its own)",
}


def create(folder: Path, doc_type: str, langs: list[str], organ: str = "un-ga",
           form: str = "adopted") -> list[Path]:
    """Write folder/document.yaml and folder/<lang>.yaml for each language; returns the files."""
    folder = Path(folder)
    twice = sorted({lang for lang in langs if langs.count(lang) > 1})
    if twice:
        raise NewError(f"--langs names {', '.join(twice)} more than once: give each language once")
    if form not in FORMS:
        raise NewError(f"unknown form '{form}'; known: {', '.join(FORMS)}")
    if doc_type == "report" and form != "adopted":
        raise NewError("--form is a resolution's or decision's: a report has one form (leave --form out)")
    if form == "narrative" and doc_type != "decision":
        raise NewError("--form narrative is a decision's form: use --type decision")
    if folder.exists() and not folder.is_dir():
        raise NewError(f"{folder} is a file: choose a new folder")
    if folder.exists() and any(folder.iterdir()):
        raise NewError(f"{folder} exists and is not empty: choose a new folder")
    diagnostics: list[Diagnostic] = []
    table = organs.table(folder, diagnostics)
    if organ not in table:
        raise NewError(f"unknown organ '{organ}'; known: {', '.join(table)} "
                       f"(add yours to {organs.USER_FILE} beside the document folders)")
    schemas = folder.parent / SCHEMA_DIR
    schema.write(schemas)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "document.yaml"]
    report = doc_type == "report"
    written[0].write_text(_report_document(langs[0], organ) if report else _document(doc_type, langs[0], organ, form),
                          "utf-8")
    for lang in langs:
        path = folder / f"{lang}.yaml"
        path.write_text(_report_version(lang, table[organ]) if report else _version(lang, table[organ], form), "utf-8")
        written.append(path)
    return written


def _report_document(original: str, organ: str) -> str:
    """A report's document.yaml (docs/content-format.md, Reports), each field explained."""
    today = dt.date.today().isoformat()
    values = {"type": "report", "organ": organ, "session": 1, "original": original,
              "symbol": "A/1/100" if organ == "un-ga" else "TO-DO/1", "distributed": today,
              "duty_station": "new-york", "job_number": "N.00-00000", "footnotes": "continuous"}
    lines = [f"# yaml-language-server: $schema=../{(SCHEMA_DIR / schema.NAMES['report']).as_posix()}\n",
             "# A report's facts, shared by every language version (docs/content-format.md, Reports).\n"
             "# Replace the values marked TO DO.\n"]
    for name, field in REPORT_FIELDS.items():
        lines.append("\n" + _comment(f"{field.about}" + ("" if field.required else " (optional)")))
        if field.choices:
            lines.append(_comment(f"one of: {', '.join(field.choices)}"))
        if name in ("references", "masthead_organ"):
            lines.append(_commented(f"{name}: {{}}\n" if name == "references" else f"{name}: un-ga\n"))
            continue
        todo = "" if name in ("type", "organ", "original", "duty_station", "footnotes") else "  # TO DO"
        raw = values[name] if name == "distributed" else _quote(values[name])
        lines.append(f"{name}: {raw}{todo}\n")
    return "".join(lines)


def _report_version(lang: str, organ) -> str:
    """A report's <lang>.yaml: two chapters, a section, a table, a note; an include shown commented."""
    name = tables.language(lang).name
    sep = "" if tables.language(lang).is_cjk else " "
    return (f"# yaml-language-server: $schema=../{(SCHEMA_DIR / schema.NAMES['report-language']).as_posix()}\n"
            f"# The {name} version of the report: its text only, with the same structure in every language\n"
            "# (chapters, sections, paragraphs, tables, included texts, footnote calls). A paragraph is text or\n"
            "# {text, items}; {section: title, body: [...]} is a heading A., B. (1., 2. under it); {table: {header,\n"
            "# rows}} a table; {include: folder} prints the resolution or decision of that folder, beside this one.\n"
            "\n" + _comment(REPORT_VERSION_FIELDS["session"].about + " (optional)")
            + f"session:\n  - {_quote(sep.join(organ.names[lang]))}\n"
            "\n" + _comment(REPORT_VERSION_FIELDS["title"].about)
            + "title: \"TO DO: Report of ... on its first session\"\n"
            "\n" + _comment(REPORT_VERSION_FIELDS["chapters"].about)
            + "chapters:\n"
              "  - title: \"TO DO: Introduction\"\n"
              "    body:\n"
              "      - \"TO DO: the first paragraph.[^first]\"\n"
              "      # - include: TO-DO-folder-of-a-resolution\n"
              "  - title: \"TO DO: Organization of the session\"\n"
              "    body:\n"
              "      - section: \"TO DO: Attendance\"\n"
              "        body:\n"
              "          - \"TO DO: a paragraph.\"\n"
              "          - table:\n"
              "              header: [[\"TO DO: Column\", \"TO DO: Column\"]]\n"
              "              rows:\n"
              "                - [\"TO DO\", \"TO DO\"]\n"
            "\n" + _comment(REPORT_VERSION_FIELDS["annexes"].about + " (optional)")
            + "# annexes:\n#   - title: \"TO DO: List of documents\"\n#     body:\n#       - \"TO DO: a paragraph.\"\n"
            "\n" + _comment(REPORT_VERSION_FIELDS["footnotes"].about + " (optional)")
            + "footnotes:\n  first: \"TO DO: the footnote's text.\"\n")


def _document(doc_type: str, original: str, organ: str, form: str) -> str:
    """document.yaml: every field with its explanation; the ones this form does not use, commented out."""
    today = dt.date.today().isoformat()
    ga = organ == "un-ga"
    values = {
        "type": doc_type, "number": "1/1", "organ": organ, "session": 1, "adopted": today,
        "original": original, "symbol": ("A/RES/1/1" if doc_type == "resolution" else "A/DEC/1/1") if ga else "TO-DO/1",
        "distributed": today, "duty_station": "new-york", "job_number": "N.00-00000",
        "footnotes_start": 1,
    }
    examples = {
        "references": "references: {}  # e.g. ga-64-293: {organ: un-ga, type: resolution, number: 64/293, "
                      "adopted: 2010-07-30}\n",
        "in_report": "in_report: true\n",
        "masthead_organ": "masthead_organ: un-ga\n",
        "adoption": "adoption: {committee: first, documents: [A/1/100]}\n",
        "draft": f"draft:\n  symbol: A/C.1/1/L.1\n  distributed: {today}\n  job_number: N.00-00000\n",
    }
    active = {"references"}
    if form == "in-report":
        active.add("in_report")
        values["symbol"] = "TO-DO/1"  # the report's symbol
    if form in ("adopted", "narrative") and ga:
        active.add("adoption")
        examples["adoption"] = "adoption: {committee: first, documents: [A/1/100]}  # TO DO (or {documents: [A/1/L.1]})\n"
    if form == "draft":
        active.add("draft")
        examples["draft"] = (f"draft:\n  symbol: {'A/C.1/1/L.1' if ga else 'TO-DO/L.1'}  # TO DO\n"
                             f"  distributed: {today}  # TO DO\n  job_number: N.00-00000  # TO DO\n"
                             + ("  committee: first  # TO DO (or remove: a plenary draft)\n" if ga else ""))
    adopted_only = ("number", "adopted", "symbol", "distributed", "job_number") if form == "draft" else ()
    lines = [f"# yaml-language-server: $schema=../{(SCHEMA_DIR / schema.NAMES['document']).as_posix()}\n",
             f"# Facts shared by every language version (docs/content-format.md), form: {form}: {FORMS[form]}.\n"
             "# Replace the values marked TO DO; fields commented out belong to other forms.\n"]
    for name, field in DOCUMENT_FIELDS.items():
        lines.append("\n" + _comment(f"{field.about}" + ("" if field.required else " (optional)")))
        if field.choices:
            lines.append(_comment(f"one of: {', '.join(field.choices)}"))
        if name in examples:
            text = examples[name]
            lines.append(text if name in active else _commented(text))
            continue
        todo = "" if name in ("type", "organ", "original", "footnotes_start", "duty_station") else "  # TO DO"
        raw = values[name] if name in ("adopted", "distributed") else _quote(values[name])
        line = f"{name}: {raw}{todo}\n"
        lines.append(_commented(line.replace("  # TO DO", "  # when adopted")) if name in adopted_only else line)
    return "".join(lines)


def _commented(text: str) -> str:
    return "".join(f"# {line}\n" for line in text.splitlines())


# The article a formula opens with, by the first word of the organ's name (its gender): "Le Conseil
# économique et social,", "La Asamblea General,". A name that opens with another word gets a TO DO.
_ARTICLES = {
    "fr": {"conseil": "Le", "comité": "Le", "groupe": "Le", "organe": "L’", "bureau": "Le", "tribunal": "Le",
           "assemblée": "L’", "commission": "La", "conférence": "La", "réunion": "La", "sous-commission": "La",
           "instance": "L’", "plénière": "La", "cour": "La"},
    "es": {"consejo": "El", "comité": "El", "grupo": "El", "órgano": "El", "tribunal": "El", "foro": "El",
           "asamblea": "La", "comisión": "La", "conferencia": "La", "reunión": "La", "subcomisión": "La",
           "junta": "La", "corte": "La"},
}


def formula(lang: str, lines: tuple[str, ...]) -> str:
    """The formula that opens the text, as the language writes it: the article, the organ's name,
    the language's comma ("The General Assembly,", "L’Assemblée générale,", "إن الجمعية العامة،",
    "大会，"); "TO DO: " before it when docgen cannot tell the article."""
    table = tables.language(lang)
    name = ("" if table.is_cjk else " ").join(line.strip() for line in lines)
    if lang == "en":
        return f"The {name},"
    if lang == "zh":
        return f"{name}，"
    if lang == "ar":
        return f"إن {name}،"
    if lang == "ru":
        return f"{name},"
    first = name.split()[0].lower() if name.split() else ""
    article = _ARTICLES.get(lang, {}).get(first)
    if article is None:
        return f"TO DO: add the article: {name},"
    return f"{article}{name}," if article.endswith("’") else f"{article} {name[0].upper()}{name[1:]},"


def _version(lang: str, organ, form: str = "adopted") -> str:
    name = tables.language(lang).name
    out = [f"# yaml-language-server: $schema=../{(SCHEMA_DIR / schema.NAMES['language']).as_posix()}\n",
           f"# The {name} version: its text only. Every language version has the same structure (the same\n"
           "# paragraphs, items, preamble verb keys and footnote calls). Quote a value that starts with *\n"
           "# or contains ': ' (colon, space). *words* are emphasis, [^key] calls footnote key,\n"
           "# [words](ref:key) cites a document declared under references: in document.yaml.\n"]
    sample = {
        "title": "TO DO: the title",
        "session": ["TO DO: First session", "TO DO: Agenda item 1"],
        "formula": formula(lang, organ.names[lang]),
        "preamble": [{"recalling": "TO DO: *Recalling* ...,[^first]"}],
        "operative": ["TO DO: *Decides* ...;", {"text": "TO DO: *Requests* ...:", "items": ["TO DO: first item;",
                                                                                          "TO DO: second item."]}],
        "closing": ["TO DO: 1st plenary meeting"],
        "footnotes": {"first": "TO DO: the footnote's text."},
        "annexes": [{"title": "TO DO: the annex's title", "paragraphs": ["TO DO: its first paragraph."]}],
        "sponsors": ["TO DO: the first sponsor", "TO DO: the second sponsor"],
        "sponsor_notes": {"*": "TO DO: Non-member State."},
    }
    unused = {"annexes", "sponsor_notes"}
    if form != "draft":
        unused.add("sponsors")
    if form == "narrative":
        unused |= {"formula", "preamble"}
        sample["operative"] = ["TO DO: At its 1st plenary meeting, on ..., the ... decided ...[^first]"]
    for key, field in VERSION_FIELDS.items():
        out.append("\n" + _comment(field.about + ("" if field.required else " (optional)")))
        text = _yaml(key, sample[key])
        out.append(_commented(text) if key in unused else text)
    return "".join(out)


def _yaml(name: str, value) -> str:
    if isinstance(value, str):
        return f"{name}: {_quote(value)}\n"
    if isinstance(value, dict):
        return f"{name}:\n" + "".join(f"  {k}: {_quote(v)}\n" for k, v in value.items())
    lines = [f"{name}:\n"]
    for entry in value:
        if isinstance(entry, str):
            lines.append(f"  - {_quote(entry)}\n")
        elif "title" in entry:
            lines.append(f"  - title: {_quote(entry['title'])}\n    paragraphs:\n")
            lines.extend(f"      - {_quote(p)}\n" for p in entry["paragraphs"])
        elif "text" in entry:
            lines.append(f"  - text: {_quote(entry['text'])}\n    items:\n")
            lines.extend(f"      - {_quote(item)}\n" for item in entry["items"])
        else:
            (key, text), = entry.items()
            lines.append(f"  - {key}: {_quote(text)}\n")
    return "".join(lines)
