"""JSON Schemas for document.yaml and <lang>.yaml, made from the reader's own field definitions.

One source of truth: `readers.yaml` defines each field once (`Field`: name, accepted types,
required, what it is for); this module turns those definitions into JSON Schema (2020-12) for
editors (VS Code with the YAML extension validates and completes while the author types, from
a `# yaml-language-server: $schema=...` line). The schemas are shipped in
`docgen/data/schema/` and printed by `docgen schema`; a test fails when the shipped copies
differ from what the definitions give (`python -m docgen.authoring.schema` rewrites them).

The schema helps while typing; `docgen check` remains the judge (it also checks what a schema
cannot: footnote calls and bodies, references, structure across languages, glyphs).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from importlib import resources
from pathlib import Path

from docgen.readers.yaml import (ADOPTION_FIELDS, ANNEX_FIELDS, DOCUMENT_FIELDS, DRAFT_FIELDS, ITEM_FIELDS,
                                  REFERENCE_FIELDS, REPORT_FIELDS, REPORT_VERSION_FIELDS, SECTION_FIELDS,
                                  SUBSECTION_FIELDS, TABLE_FIELDS, VERSION_FIELDS, Field)
from docgen.readers.source import LList, LMap

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAMES = {"document": "document.schema.json", "language": "language.schema.json",
         "report": "report.schema.json", "report-language": "report-language.schema.json"}
TITLES = {"document": (DOCUMENT_FIELDS, "docgen document.yaml: facts shared by every language"),
          "language": (VERSION_FIELDS, "docgen <lang>.yaml: one language version's text"),
          "report": (REPORT_FIELDS, "docgen document.yaml of a report (type: report)"),
          "report-language": (REPORT_VERSION_FIELDS, "docgen <lang>.yaml of a report: its chapters and annexes")}
_VERB_KEY = "^[a-z][A-Za-z]*$"


def _type(t) -> dict:
    if t is str:
        return {"type": "string"}
    if t is int:
        return {"type": "integer"}
    if t is bool:
        return {"type": "boolean"}
    if t is dt.date:  # YAML 1.2 editors read an unquoted date as a string
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if t is LMap:
        return {"type": "object"}
    if t is LList:
        return {"type": "array"}
    raise ValueError(f"no JSON Schema type for {t!r}")


def _field(field: Field) -> dict:
    if field.shape:
        schema = {"$ref": f"#/$defs/{field.shape}"}
    elif len(field.types) == 1:
        schema = _type(field.types[0])
    else:
        schema = {"anyOf": [_type(t) for t in field.types]}
    if field.choices:
        schema = {**schema, "enum": list(field.choices)}
    if field.pattern:  # for text values (a whole number matches it anyway)
        schema = {**schema, "pattern": f"^(?:{field.pattern})$"}
    return {"description": field.about, **schema}


def _object(fields: dict[str, Field], description: str = "") -> dict:
    out = {"type": "object"}
    if description:
        out["description"] = description
    out["properties"] = {name: _field(f) for name, f in fields.items()}
    required = [name for name, f in fields.items() if f.required]
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def _definitions() -> dict:
    text = {"type": "string", "minLength": 1}
    item = {"anyOf": [text, {"$ref": "#/$defs/itemWithItems"}]}
    return {
        "lines": {"type": "array", "items": {"type": "string"}},
        "preamble": {"type": "array", "items": {
            "type": "object", "minProperties": 1,
            "if": {"required": ["items"]}, "then": {"maxProperties": 2}, "else": {"maxProperties": 1},
            "properties": {"items": {"$ref": "#/$defs/items"}},
            "propertyNames": {"pattern": _VERB_KEY}, "additionalProperties": text,
            "description": "verbKey: text, e.g. recalling: \"*Recalling* its resolution ...\", with 'items' "
                           "beside it for (a), (b) under the paragraph"}},
        "operative": {"type": "array", "minItems": 1, "items": {"anyOf": [text, {"$ref": "#/$defs/itemWithItems"},
                                                                          {"$ref": "#/$defs/heading"}]}},
        "heading": {"type": "object", "properties": {"heading": text}, "required": ["heading"],
                    "additionalProperties": False, "description": "a sub-heading before the next paragraph"},
        "annexes": {"type": "array", "items": _object(ANNEX_FIELDS, "an annex: its title and paragraphs")},
        "adoption": _object(ADOPTION_FIELDS, "the bracket under the adoption line"),
        "draft": _object(DRAFT_FIELDS, "the draft (L. document) of the same text"),
        "items": {"type": "array", "minItems": 1, "items": item},
        "itemWithItems": _object(ITEM_FIELDS, "a paragraph or item introducing sub-items"),
        "footnotes": {"type": "object", "additionalProperties": text},
        "references": {"type": "object", "additionalProperties": {"$ref": "#/$defs/reference"}},
        "reference": _object(REFERENCE_FIELDS, "a cited document"),
        # reports (#24)
        "chapters": {"type": "array", "items": _object(SECTION_FIELDS, "a chapter or annex: its title and body")},
        "body": {"type": "array", "minItems": 1, "items": {"anyOf": [
            text, {"$ref": "#/$defs/itemWithItems"}, {"$ref": "#/$defs/section"}, {"$ref": "#/$defs/tableBlock"},
            {"$ref": "#/$defs/include"}]}},
        "section": _object(SUBSECTION_FIELDS, "a section (A., B.) or sub-section (1., 2.): its title and body"),
        "tableBlock": {"type": "object", "properties": {"table": {"$ref": "#/$defs/table"}}, "required": ["table"],
                       "additionalProperties": False, "description": "a table"},
        "table": _object(TABLE_FIELDS, "header rows, body rows, optional caption and relative widths"),
        "include": {"type": "object", "properties": {"include": {"type": "string", "pattern": r"^[\w.-]+$"}},
                    "required": ["include"], "additionalProperties": False,
                    "description": "a resolution or decision of the folder of that name, beside the report's, "
                                   "printed here"},
        "rows": {"type": "array", "items": {"type": "array", "minItems": 1,
                                            "items": {"anyOf": [{"type": "string"}, {"type": "number"}]}}},
        "numbers": {"type": "array", "items": {"type": "number", "exclusiveMinimum": 0}},
    }


def schemas() -> dict[str, dict]:
    """{"document": schema of document.yaml, "language": schema of <lang>.yaml, and the report's two}."""
    defs = _definitions()
    out = {}
    for key, (fields, title) in TITLES.items():
        schema = {"$schema": DRAFT, "$id": f"https://docgen.invalid/schema/{NAMES[key]}", "title": title,
                  **_object(fields)}
        used = json.dumps(schema)
        # keep only the definitions this schema refers to (directly or through another definition)
        wanted = set()
        while True:
            found = {name for name in defs if f'"#/$defs/{name}"' in used} - wanted
            if not found:
                break
            wanted |= found
            used += "".join(json.dumps(defs[name]) for name in found)
        if wanted:
            schema["$defs"] = {name: defs[name] for name in defs if name in wanted}
        out[key] = schema
    return out


def text(key: str) -> str:
    return json.dumps(schemas()[key], indent=2, ensure_ascii=False) + "\n"


def shipped(key: str) -> str:
    return resources.files("docgen").joinpath(f"data/schema/{NAMES[key]}").read_text("utf-8")


def write(folder: Path) -> list[Path]:
    """Write every schema into folder; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, name in NAMES.items():
        path = folder / name
        path.write_text(text(key), "utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # regenerate the shipped copies after changing a Field
    for path in write(Path(__file__).resolve().parent.parent / "data" / "schema"):
        print(f"schema: wrote {path}")
    sys.exit(0)
