"""Temporary alias while the PDF and Word writers are rewritten on their branches (removed when they merge)."""
import sys

from docgen.data import fonts

sys.modules[__name__] = fonts
