"""Typography by language, in the model so that every writer carries the same characters: straight
quotes typed by an author become the language's quotation marks where unambiguous, and French
no-break spaces go before ; : ! ? » and after «."""

from __future__ import annotations

from docgen.data import tables
from docgen.diagnostics import Diagnostic, Location
from docgen.model import Text, Version, leaves


# In the model, so that every writer (PDF, Word, Akoma Ntoso, HTML) carries the same characters.
# Each run of text is seen with the characters around it (a footnote call counts as a letter):
# a mark can follow a call or an emphasis ("cités[^unts]," / "machine[^akn];").

_TYPED_SPACES = " \u00a0\u202f"
_CALL = "\x00"  # a footnote call, as its neighbours see it
_OPENERS = "([{/\u2014\u2013-"  # a straight quote after these (or a space, or nothing) opens
_CLOSE_BEFORE = ".,;:!?)]}\u2026\u2014\u2013-" + _CALL  # ... before these (or a space, or nothing) closes


def typography(version: Version, diagnostics: list[Diagnostic]) -> None:
    lang = version.language
    if lang.is_cjk:
        return  # Chinese is typed with its own full-width marks; nothing is converted
    for name, inlines, loc in version.texts():
        _typeset_runs(list(leaves(inlines)), lang, name, loc or Location(version.path), diagnostics)
    for lines, what in ((version.session, "session"), (version.closing, "closing")):
        for i, line in enumerate(lines):
            run = [Text(line)]
            _typeset_runs(run, lang, f"{what} line {i + 1}", Location(version.path), diagnostics)
            lines[i] = run[0].text


def _typeset_runs(runs: list, lang: tables.Language, name: str, loc: Location, diagnostics) -> None:
    """Typeset one paragraph's runs as one string (a mark may follow a call or an emphasis:
    "cités[^unts]," / "*Prie* ... :"); each character remembers the run it goes back to."""
    chars = [(ch, k) for k, run in enumerate(runs)
             for ch in (run.text if isinstance(run, Text) else _CALL)]
    chars = _quotes(chars, lang, name, loc, diagnostics)
    if lang.space_before or lang.space_after:
        chars = _french_spaces(chars, lang)
    for k, run in enumerate(runs):
        if isinstance(run, Text):
            run.text = "".join(ch for ch, owner in chars if owner == k)


def _quotes(chars: list, lang: tables.Language, name: str, loc: Location, diagnostics) -> list:
    """Straight quotes typed by the author -> the language's marks, only where unambiguous.

    - " opens after a space, an opening bracket or dash, or at the start, before a non-space;
      it closes after a non-space, before a space, punctuation, a footnote call or the end.
      When every " of the paragraph is clearly one or the other and they alternate
      open/close, they become the language's outer marks (“ ” in English and Spanish, « » in
      French and Russian); otherwise none is touched and a warning says where.
    - ' between two letters is an apostrophe: ’ (l'Assemblée, Secretary-General's). Any other '
      is left as typed (a quotation mark and an elision cannot be told apart), with a warning.
    - Nested quotes are never converted: type the inner marks (‘ ’, “ ”, „ “) yourself.
    """
    text = "".join(ch for ch, _ in chars)
    out = list(chars)
    marks = [i for i, ch in enumerate(text) if ch == '"']
    kinds = []
    for i in marks:
        before, after = text[i - 1:i], text[i + 1:i + 2]
        opens = (not before or before.isspace() or before in _OPENERS) and after and not after.isspace()
        closes = before and not before.isspace() and (not after or after.isspace() or after in _CLOSE_BEFORE)
        kinds.append("open" if opens and not closes else "close" if closes and not opens else "?")
    if marks and kinds == ["open", "close"] * (len(marks) // 2):
        for i, kind in zip(marks, kinds):
            out[i] = (lang.quotes[0] if kind == "open" else lang.quotes[1], chars[i][1])
    elif marks:
        diagnostics.append(Diagnostic(loc, f"{name}: straight double quotes left as typed: cannot tell which "
                                           f"opens and which closes; type {lang.quotes[0]} {lang.quotes[1]}",
                                      severity="warning"))
    for i, ch in enumerate(text):
        if ch != "'":
            continue
        if text[i - 1:i].isalpha() and text[i + 1:i + 2].isalpha():
            out[i] = ("\u2019", chars[i][1])
        else:
            diagnostics.append(Diagnostic(loc, f"{name}: straight quote ' at character {i + 1} left as typed "
                                               "(an apostrophe or a quotation mark?); type ’ or the quotation mark",
                                          severity="warning"))
    return out


def _french_spaces(chars: list, lang: tables.Language) -> list:
    """The no-break spaces French typography sets (U+202F before ; ! ? » and after «, U+00A0
    before :), whatever the author typed there (a space, a no-break space or nothing)."""
    out: list = []
    owed = None  # (space, owner) owed after an opening mark, set before the next visible character
    for i, (ch, owner) in enumerate(chars):
        if owed:
            if ch in _TYPED_SPACES:
                continue
            out.append(owed)
            owed = None
        if ch in lang.space_before:
            while out and out[-1][0] in _TYPED_SPACES:
                out.pop()
            before = out[-1][0] if out else ""
            after = chars[i + 1][0] if i + 1 < len(chars) else ""
            if before and not _keep_tight(before, ch, after):
                out.append((lang.space_before[ch], owner))
            out.append((ch, owner))
        elif ch in lang.space_after:
            out.append((ch, owner))
            owed = (lang.space_after[ch], owner)
        else:
            out.append((ch, owner))
    return out


def _keep_tight(before: str, mark: str, after: str) -> bool:
    """Where the French space does not go: 10:30, https://, ?! (one space before the group),
    and after an opening mark or bracket (the space it owes is already there)."""
    if mark == ":" and (before.isdigit() and after.isdigit() or after == "/"):
        return True
    return (before in "?!" and mark in "?!") or before in "([«\u202f\u00a0"
