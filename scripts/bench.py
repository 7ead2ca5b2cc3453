"""`make bench`: how fast docgen is, measured with the real command. Not a test.

Reports, as a table on stdout and as JSON in output/bench/bench.json (medians of repeated
runs; BENCH_REPEAT sets how many, default 3):
  - cold single-document build per format (`docgen build --jobs 1 --force`, a new process),
    wall time and peak memory, for the Chinese resolution and the English specimen;
  (warm figures also for the French and Russian specimens: target Latin-script PDF <= 0.12 s, DOCX <= 0.1 s;
  and for the Arabic specimen: target warm Arabic PDF <= 0.15 s, issue #11)
  - warm per-document render time per format, in one process, and all three formats together;
  - a synthetic corpus of 100 documents (scripts/corpus.py, deterministic), all formats,
    built with --jobs 1 and --jobs 2: documents per second and the speed-up;
  - a no-op rebuild of that corpus;
  - peak memory of each worker process during the --jobs 2 build.
  - warm PDF render tagged (PDF/UA-1, the default) and untagged, and the difference in %;
  - warm `docgen import` of the Chinese resolution's Word draft (unedited, one paragraph edited).
Targets (issues #3, #6, #13 and #15, 2 cores): warm zh PDF <= 0.3 s, cold zh PDF <= 1.2 s, three
formats warm <= 0.6 s, speed-up >= 1.7x, no-op rebuild <= 1 s, warm zh import <= 0.3 s, tagging
<= 15 % of the warm PDF render.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "output" / "bench"
DOCGEN = [sys.executable, "-m", "docgen.cli"]
DOCS = (("ctoc-cop-5-2", "zh"), ("specimen", "en"), ("specimen", "fr"), ("specimen", "ru"), ("specimen", "ar"))
COLD = DOCS[:2]  # cold builds: Chinese and English (fr, ru are measured warm)
FORMATS = ("pdf", "docx", "akn")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
CORPUS_SIZE = 100

sys.path.insert(0, str(ROOT / "scripts"))
import corpus  # noqa: E402


def timed(args: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (MB) of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed:\n{process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, round(usage.ru_maxrss / 1024)


def cold(doc: str, lang: str, fmt: str) -> tuple[float, int]:
    runs = [timed(DOCGEN + ["build", f"content/{doc}", "--lang", lang, "--format", fmt, "--out", str(BENCH / "cold"),
                            "--jobs", "1", "--force", "--quiet"]) for _ in range(REPEAT)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def warm() -> dict[str, float]:
    from docgen import build
    from docgen.writers import Settings, writer

    figures = {}
    for doc, lang in DOCS:
        docs, _ = build.load([ROOT / "content" / doc])
        version = docs[0].versions[lang]
        total = 0.0
        for fmt in FORMATS:
            write = writer(fmt)
            write(docs[0], version, Settings())  # warm-up: imports, fonts, templates
            times = []
            for _ in range(max(REPEAT, 5)):
                start = time.perf_counter()
                write(docs[0], version, Settings())
                times.append(time.perf_counter() - start)
            figures[f"{lang} {fmt}"] = statistics.median(times)
            total += figures[f"{lang} {fmt}"]
        figures[f"{lang} all three"] = total
        # what tagging (PDF/UA-1, #15; target <= 15 % of the warm render) costs: the same PDF untagged
        write = writer("pdf")
        untagged = Settings(tagged=False)
        write(docs[0], version, untagged)
        times = []
        for _ in range(max(REPEAT, 5)):
            start = time.perf_counter()
            write(docs[0], version, untagged)
            times.append(time.perf_counter() - start)
        figures[f"{lang} pdf untagged"] = statistics.median(times)
        figures[f"{lang} pdf tagging cost (%)"] = 100 * (figures[f"{lang} pdf"] / figures[f"{lang} pdf untagged"] - 1)
    return figures


def warm_import() -> dict[str, float]:
    """`docgen import` of the Chinese resolution's draft, in process (issue #13: <= 0.3 s warm):
    unedited, and with one paragraph reworded (then the result is also checked before writing)."""
    import zipfile

    from docgen import build, importer
    from docgen.writers import Settings, writer

    doc_name = next(d for d, lang in DOCS.items() if lang == "zh")
    docs, _ = build.load([ROOT / "content" / doc_name])
    draft = BENCH / f"{doc_name}.zh.docx"
    draft.write_bytes(writer("docx")(docs[0], docs[0].versions["zh"], Settings()))
    edited = BENCH / f"{doc_name}.zh.edited.docx"
    with zipfile.ZipFile(draft) as src, zipfile.ZipFile(edited, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = data.replace("还请秘书处继续协助".encode(), "还请秘书处继续全力协助".encode())
            dst.writestr(name, data)
    figures = {}
    for label, path in (("unedited", draft), ("one paragraph edited", edited)):
        importer.import_file(path, content=ROOT / "content")  # warm-up
        times = []
        for _ in range(max(REPEAT, 5)):
            start = time.perf_counter()
            result = importer.import_file(path, content=ROOT / "content")
            times.append(time.perf_counter() - start)
        assert (result.new == result.old) == (label == "unedited"), label
        figures[f"zh import, {label}"] = statistics.median(times)
    return figures


def corpus_build(source: Path, jobs: int) -> dict:
    out = BENCH / f"corpus-jobs{jobs}"
    runs = []
    for _ in range(REPEAT):
        shutil.rmtree(out, ignore_errors=True)
        stats = BENCH / f"stats-jobs{jobs}.json"
        seconds, _ = timed(DOCGEN + ["build", str(source), "--out", str(out), "--jobs", str(jobs), "--quiet",
                                     "--format", ",".join(FORMATS), "--stats", str(stats)])
        runs.append((seconds, json.loads(stats.read_text())))
    seconds = statistics.median(r[0] for r in runs)
    processes = runs[-1][1]["processes"]
    return {"seconds": seconds, "documents_per_second": CORPUS_SIZE / seconds,
            "worker_peak_rss_mb": [p["peak_rss_mb"] for p in processes],
            "worker_outputs": [p["outputs"] for p in processes], "out": out}


def main() -> int:
    BENCH.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"repeat": REPEAT, "cpus": len(os.sched_getaffinity(0))}
    for doc, lang in COLD:
        for fmt in FORMATS:
            seconds, rss = cold(doc, lang, fmt)
            results[f"cold {lang} {fmt} (s)"] = round(seconds, 3)
            results[f"cold {lang} {fmt} peak RSS (MB)"] = rss
    for key, value in warm().items():
        results[f"warm {key} (s)"] = round(value, 3)
    for key, value in warm_import().items():
        results[f"warm {key} (s)"] = round(value, 3)

    source = BENCH / "corpus-source"
    shutil.rmtree(source, ignore_errors=True)
    corpus.generate(source, count=CORPUS_SIZE, seed=1)
    one, two = corpus_build(source, 1), corpus_build(source, 2)
    results["corpus documents"] = CORPUS_SIZE
    results["corpus outputs (pdf, docx, akn)"] = CORPUS_SIZE * len(FORMATS)
    for jobs, figures in ((1, one), (2, two)):
        results[f"corpus --jobs {jobs} (s)"] = round(figures["seconds"], 2)
        results[f"corpus --jobs {jobs} (documents/s)"] = round(figures["documents_per_second"], 2)
    results["corpus speed-up 1 -> 2 jobs"] = round(one["seconds"] / two["seconds"], 2)
    results["corpus --jobs 2 peak RSS per worker (MB)"] = two["worker_peak_rss_mb"]
    results["corpus --jobs 2 outputs per worker"] = two["worker_outputs"]
    results["corpus --jobs 1 peak RSS (MB)"] = one["worker_peak_rss_mb"]
    noop = [timed(DOCGEN + ["build", str(source), "--out", str(two["out"]), "--quiet",
                            "--format", ",".join(FORMATS)])[0] for _ in range(max(REPEAT, 5))]
    results["corpus no-op rebuild (s)"] = round(statistics.median(noop), 3)

    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    (BENCH / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {(BENCH / 'bench.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
