"""The seam: a document folder in, the typed model out (read -> transforms -> checks).

Every front end calls this and only this to get a document: `docgen check` and `build`, a pool
or cluster worker, `watch`, `import` (the base it merges into) and the tests. Nothing here knows
about outputs, processes or files written: it reads and computes.
"""

from __future__ import annotations

from pathlib import Path

from docgen import readers, transforms
from docgen.diagnostics import Diagnostic, Location, errors, without_acknowledged
from docgen.model import Document


def read(folder: Path, checks: bool = True, form: str = "") -> tuple[Document | None, list[Diagnostic]]:
    """One document folder, in one of its forms, through the reader, the transforms and the
    preflight checks. `form`: "adopted", "draft" (model.FORMS), or "" for the adopted text (the
    draft of a text not yet adopted).

    Returns the document (None when it has errors) and every diagnostic, acknowledged ones left
    out. `checks=False` skips the preflight: a worker reading a document the build has already
    checked.
    """
    diagnostics: list[Diagnostic] = []
    try:
        doc = readers.read_document(folder, diagnostics, form)
        if doc is not None and doc.meta.is_report:
            _read_included(doc, checks, diagnostics)
        if doc is not None and not errors(diagnostics):
            transforms.apply_all(doc, diagnostics)
            if checks and not errors(diagnostics):
                transforms.preflight.run(doc, diagnostics)
    except (RecursionError, MemoryError) as exc:  # input the reader's bounds missed: this document fails alone
        doc = None
        diagnostics.append(Diagnostic(Location(Path(folder)), f"could not be read: {type(exc).__name__} "
                                      "(content nested or repeated beyond what docgen can hold)"))
    diagnostics, _ = without_acknowledged(diagnostics)
    return (None if doc is None or errors(diagnostics) else doc), diagnostics


def _read_included(report: Document, checks: bool, diagnostics: list[Diagnostic]) -> None:
    """The texts a report prints in place, each read (once) from its own folder beside the report's,
    through this same seam: a resolution stays one document, which the report includes."""
    for version in report.versions.values():
        for block in version.included():
            key = block.key
            if key not in report.included:
                folder = report.folder.parent / key
                if not (folder / "document.yaml").is_file():
                    diagnostics.append(Diagnostic(block.location or Location(version.path), f"include '{key}': no "
                                                  f"document folder '{key}' beside the report (expected "
                                                  f"{key}/document.yaml in {report.folder.parent.name or '.'})"))
                    report.included[key] = None
                    continue
                if readers.is_report(folder):  # said before reading: a report including itself would never end
                    diagnostics.append(Diagnostic(block.location or Location(version.path), f"include '{key}': "
                                                  "a report includes resolutions and decisions, not another report "
                                                  "(nor itself)"))
                    report.included[key] = None
                    continue
                doc, found = read(folder, checks=checks)
                if doc is None:  # its errors are its own to say (once, where it is read or built)
                    diagnostics.append(Diagnostic(block.location or Location(version.path),
                                                  f"include '{key}': that text has {len(errors(found))} error(s) "
                                                  f"(`docgen check {folder}` lists them); the report is not built"))
                report.included[key] = doc
            block.document = report.included[key]
            if block.document is not None and version.lang not in block.document.versions:
                diagnostics.append(Diagnostic(block.location or Location(version.path), f"include '{key}': it has no "
                                              f"{version.lang}.yaml, so the {version.lang} report cannot print it"))
    report.included = {k: d for k, d in report.included.items() if d is not None}


def find(paths: list[Path], diagnostics: list[Diagnostic]) -> list[Path]:
    """The document folders under paths (folders of documents, document folders, files in them)."""
    return readers.find_documents(paths, diagnostics)


def read_all(paths: list[Path]) -> tuple[list[Document], list[Diagnostic]]:
    """Every document under paths; documents with errors are left out, their diagnostics kept."""
    diagnostics: list[Diagnostic] = []
    documents = []
    for folder in find(paths, diagnostics):
        doc, local = read(folder)
        if doc is not None:
            documents.append(doc)
        diagnostics.extend(local)
        if doc is not None and doc.meta.draft is not None and doc.meta.form != "draft":
            diagnostics.extend(d for d in read(folder, form="draft")[1] if d not in local)  # what only the draft needs
    return documents, diagnostics
