"""Temporary alias while the PDF and Word writers are rewritten on their branches (removed when they merge)."""
from docgen.data.tables import HAN, IDEOGRAPHS  # noqa: F401
