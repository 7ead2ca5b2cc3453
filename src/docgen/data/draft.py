"""What a Word draft carries to find its way back to its source (word-roundtrip.md): the names of
the three custom document properties the Word writer sets and `docgen import` reads."""

DOCUMENT, LANGUAGE, SOURCE = "docgen document", "docgen language", "docgen source sha256"
FORM = "docgen form"  # set on a draft (L. document) form only: "draft"
NARRATIVE = "docgen narrative"  # "true" on a text without a formula (a decision in narrative form)
KIND = "docgen kind"  # "report" on a report's Word file (import refuses it: reports are edited in YAML)
