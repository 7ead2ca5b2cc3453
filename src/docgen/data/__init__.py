"""Facts as data: language tables, organs, duty stations, page layout. Loaders here import nothing
of docgen but `paths` (where the files are) and each other."""

from __future__ import annotations

import yaml

FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    """yaml.safe_load through libyaml when present (the data files are docgen's own, trusted)."""
    return yaml.load(text, Loader=FAST_LOADER)
