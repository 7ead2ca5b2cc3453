"""`make bench`: how fast docgen is, measured with the real command. Not a test.

Reports, as a table on stdout and as JSON in output/bench/bench.json (medians of repeated
runs; BENCH_REPEAT sets how many, default 3):
  - cold single-document build per format (`docgen build --jobs 1 --force`, a new process),
    wall time and peak memory, for the Chinese resolution and the English specimen;
  - warm per-document render time per format, in one process, and all three formats together;
  - a synthetic corpus of 100 documents (scripts/corpus.py, deterministic), all formats,
    built with --jobs 1 and --jobs 2: documents per second and the speed-up;
  - a no-op rebuild of that corpus;
  - peak memory of each worker process during the --jobs 2 build;
  - warm `docgen import` of the Chinese resolution's Word draft (unedited, one paragraph edited);
  - the same corpus through a local Dask cluster (a scheduler and `docgen worker --nworkers 2`
    on 127.0.0.1, `docgen build --cluster`), runs alternating with `--jobs 2` so that both see
    the same machine load: the cluster's overhead, and per document task.
Targets (issues #3, #6, #13 and #16, 2 cores): warm zh PDF <= 0.3 s, cold zh PDF <= 1.2 s, three
formats warm <= 0.6 s, speed-up >= 1.7x, no-op rebuild <= 1 s, warm zh import <= 0.3 s, cluster
overhead on one host <= 25 %.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "output" / "bench"
DOCGEN = [sys.executable, "-m", "docgen.cli"]
DOCS = {"ctoc-cop-5-2": "zh", "specimen-en": "en"}
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


def cold(doc: str, fmt: str) -> tuple[float, int]:
    runs = [timed(DOCGEN + ["build", f"content/{doc}", "--format", fmt, "--out", str(BENCH / "cold"),
                            "--jobs", "1", "--force", "--quiet"]) for _ in range(REPEAT)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def warm() -> dict[str, float]:
    from docgen import build
    from docgen.writers import Settings, writer

    figures = {}
    for doc, lang in DOCS.items():
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


@contextlib.contextmanager
def local_cluster(workers: int):
    """A Dask scheduler and `docgen worker --nworkers N` on 127.0.0.1 (subprocesses); yields its address."""
    import distributed

    folder = BENCH / "cluster"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = open(folder / "cluster.log", "ab")
    spawn = dict(cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    processes = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                   "--port", "0", "--no-dashboard", "--scheduler-file", str(folder / "scheduler.json")],
                                  **spawn)]
    try:
        deadline = time.monotonic() + 60
        while not (folder / "scheduler.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        address = json.loads((folder / "scheduler.json").read_text())["address"]
        processes.append(subprocess.Popen(DOCGEN + ["worker", address, "--nworkers", str(workers), "--host", "127.0.0.1",
                                                    "--no-dashboard", "--local-directory", str(folder / "scratch")],
                                          **spawn))
        with distributed.Client(address, set_as_default=False, timeout=30) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        log.close()


def cluster_against_pool(source: Path, workers: int = 2) -> dict:
    """The corpus through a local cluster and through `--jobs N`, runs alternating; medians."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return {"cluster": "skipped: pip install 'docgen[cluster]'"}
    runs: dict[str, list] = {"pool": [], "cluster": []}
    with local_cluster(workers) as address:
        for _ in range(REPEAT):
            for kind, args in (("pool", ["--jobs", str(workers)]), ("cluster", ["--cluster", address])):
                out, stats = BENCH / f"corpus-{kind}", BENCH / f"stats-{kind}.json"
                shutil.rmtree(out, ignore_errors=True)
                seconds, _ = timed(DOCGEN + ["build", str(source), "--out", str(out), "--quiet",
                                             "--format", ",".join(FORMATS), "--stats", str(stats), *args])
                runs[kind].append((seconds, json.loads(stats.read_text())))
    pool = statistics.median(r[0] for r in runs["pool"])
    cluster = statistics.median(r[0] for r in runs["cluster"])
    rendering = {kind: statistics.median(sum(r[1]["render_seconds"].values()) for r in runs[kind]) for kind in runs}
    same = all((BENCH / "corpus-pool" / name).read_bytes() == (BENCH / "corpus-cluster" / name).read_bytes()
               for name in (str(p.relative_to(BENCH / "corpus-pool")) for p in (BENCH / "corpus-pool").rglob("*.*")))
    return {
        f"corpus --jobs {workers}, alternating with the cluster (s)": round(pool, 2),
        f"corpus --cluster, {workers} local workers (s)": round(cluster, 2),
        "cluster overhead on one host (%)": round((cluster / pool - 1) * 100, 1),
        # wall time the cluster adds, spread over its workers and the document tasks (one per document)
        "cluster overhead per document task (ms)": round((cluster - pool) * workers / CORPUS_SIZE * 1000, 1),
        "render seconds summed, pool / cluster": [round(rendering["pool"], 2), round(rendering["cluster"], 2)],
        # of that overhead, what rendering itself costs more in a Dask worker (a thread beside its event loop)
        "cluster extra render time per document task (ms)":
            round((rendering["cluster"] - rendering["pool"]) / CORPUS_SIZE * 1000, 1),
        "cluster outputs byte-identical to the pool's": same,
    }


def main(argv: list[str]) -> int:
    BENCH.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"repeat": REPEAT, "cpus": len(os.sched_getaffinity(0))}
    if argv == ["cluster"]:  # `python scripts/bench.py cluster`: the cluster against the pool only
        source = BENCH / "corpus-source"
        shutil.rmtree(source, ignore_errors=True)
        corpus.generate(source, count=CORPUS_SIZE, seed=1)
        results.update(cluster_against_pool(source))
        return report(results)
    for doc, lang in DOCS.items():
        for fmt in FORMATS:
            seconds, rss = cold(doc, fmt)
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
    results.update(cluster_against_pool(source))

    return report(results)


def report(results: dict) -> int:
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    (BENCH / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {(BENCH / 'bench.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
