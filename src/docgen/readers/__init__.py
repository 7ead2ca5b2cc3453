"""Readers: each turns one kind of source into the same `model.Document`, as pandoc's readers meet in one AST.

- `yaml`: the authored source, a document folder (`document.yaml` + `<lang>.yaml`).
"""

from docgen.readers.yaml import (DOCUMENT_FILE, find_documents, forms, is_document_folder, is_report, language_files,
                                 misnamed_files, read_document)

__all__ = ["DOCUMENT_FILE", "find_documents", "forms", "is_document_folder", "is_report", "language_files",
           "misnamed_files", "read_document"]
