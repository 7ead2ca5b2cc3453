"""`make bench`: build times of the real documents, per format (cold command and warm in-process).

Figures go to stdout and output/bench/bench.json. Medians of repeated runs; not a test.
The 100-document corpus, --jobs and no-op rebuild figures of issue 6 are not measured yet.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = {"ctoc-cop-5-2": "zh", "specimen-en": "en"}
FORMATS = ("pdf", "docx", "akn")
REPEAT = 5


def cold(fmt: str, doc: str) -> float:
    out = ROOT / "output" / "bench" / "cold"
    start = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "docgen"), "build", str(ROOT / "content" / doc), "--format", fmt,
                    "--out", str(out)], check=True, capture_output=True)
    return time.perf_counter() - start


def warm(fmt: str, doc: str) -> float:
    from docgen import build
    from docgen.writers import Settings, writer

    docs, _ = build.load([ROOT / "content" / doc])
    version = docs[0].versions[DOCS[doc]]
    write = writer(fmt)
    write(docs[0], version, Settings())  # warm-up: imports, fonts, templates
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        write(docs[0], version, Settings())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    results = {}
    for doc in DOCS:
        for fmt in FORMATS:
            results[f"{doc} {fmt} cold (s)"] = round(statistics.median(cold(fmt, doc) for _ in range(3)), 3)
            results[f"{doc} {fmt} warm (s)"] = round(warm(fmt, doc), 3)
    results["peak RSS of the warm process (MB)"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    target = ROOT / "output" / "bench" / "bench.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
