"""The build: read every document, run the transforms, run each writer, write atomically.

One broken document does not stop the others: every problem is reported at the end and the
exit status is non-zero.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import reader, transforms
from .diagnostics import Diagnostic, Location, errors
from .model import Document
from .outputs import output_path, write_atomic
from .writers import RenderError, Settings, extension, writer


def load(paths: list[Path]) -> tuple[list[Document], list[Diagnostic]]:
    """Read and transform every document under paths; documents with errors are left out."""
    diagnostics: list[Diagnostic] = []
    documents = []
    for folder in reader.find_documents(paths, diagnostics):
        local: list[Diagnostic] = []
        doc = reader.read_document(folder, local)
        if doc is not None:
            transforms.apply_all(doc, local)
            if not errors(local):
                documents.append(doc)
        diagnostics.extend(local)
    return documents, diagnostics


def report(diagnostics: list[Diagnostic], notes: bool = True) -> None:
    for d in diagnostics:
        if notes or d.severity != "note":
            print(d, file=sys.stderr)


def check(paths: list[Path]) -> int:
    documents, diagnostics = load(paths)
    report(diagnostics)
    failed = errors(diagnostics)
    count = sum(len(d.versions) for d in documents)
    print(f"docgen check: {len(documents)} document(s), {count} language version(s) valid; "
          f"{len(failed)} error(s), {sum(d.severity == 'warning' for d in diagnostics)} warning(s)")
    return 1 if failed else 0


def build(paths: list[Path], formats: list[str], out: Path, langs: list[str] | None = None,
          pdfa: bool = False) -> int:
    documents, diagnostics = load(paths)
    report(diagnostics, notes=False)
    failures = errors(diagnostics)
    settings = Settings(pdfa=pdfa)
    written = 0
    for doc in documents:
        for version in doc.versions.values():
            if langs and version.lang not in langs:
                continue
            for fmt in formats:
                target = output_path(out, doc.name, version.lang, extension(fmt))
                try:
                    data = writer(fmt)(doc, version, settings)
                except RenderError as exc:
                    failure = Diagnostic(Location(version.path), f"{fmt}: {exc}")
                    print(failure, file=sys.stderr)
                    failures.append(failure)
                    continue
                write_atomic(target, data)
                written += 1
                print(f"wrote {target}")
    print(f"docgen build: {written} file(s) written, {len(failures)} failure(s)")
    return 1 if failures else 0
