"""The fixed tables docgen ships: one per language (the words it prints), duty stations.

Organs, which users extend, are in `organs.py`.

Loaded once per process. Per-language words live only in `languages/<code>.yaml`, never in
templates or writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

# The six UN languages, in the order the UN lists them.
CODES = ("ar", "zh", "en", "fr", "ru", "es")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    bcp47: str
    word_lang: str
    iso639_2: str
    script: str
    direction: str
    united_nations: str
    emblem_alt: str  # alternative text of the UN emblem, for screen readers
    barcode_alt: str  # alternative text of the job number's barcode ({job})
    footnote_link: str  # a footnote call's link, said by screen readers ({n})
    heading: dict
    doc_type: dict
    job_suffix: str

    @property
    def is_cjk(self) -> bool:
        return self.script == "han"


def _read(name: str) -> dict:
    return yaml.safe_load(resources.files("docgen").joinpath(name).read_text("utf-8"))


@cache
def language(code: str) -> Language:
    return Language(code=code, **_read(f"languages/{code}.yaml"))


@cache
def duty_stations() -> dict:
    return _read("data/duty_stations.yaml")
