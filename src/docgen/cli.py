"""The `docgen` command: build and check documents.

    docgen check [PATH...]                      read, validate and lint; render nothing
    docgen build [PATH...] [--format pdf,docx,akn,html] [--out DIR] [--lang zh,en]
                 [--jobs N] [--force] [--quiet] [--pdfa]

`build` is incremental: an output whose inputs (content, templates, fonts, docgen, settings)
have not changed since it was built into --out is not rebuilt.

Content problems are printed as `file:line:col: error: message` and exit with status 1;
`--debug` shows a traceback for problems in docgen itself.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from . import __version__

FORMATS = ("pdf", "docx", "akn", "html")


def _formats(value: str) -> list[str]:
    chosen = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}")
    return chosen


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {value!r}")
    return number


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="docgen", description=__doc__.split("\n\n")[0])
    p.add_argument("--version", action="version", version=f"docgen {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = p.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="load, validate and lint without rendering")
    check.add_argument("paths", nargs="*", type=Path, default=[Path("content")])
    build = sub.add_parser("build", help="render documents")
    build.add_argument("paths", nargs="*", type=Path, default=[Path("content")])
    build.add_argument("--format", type=_formats, default=list(FORMATS), help="comma-separated: " + ",".join(FORMATS))
    build.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output)")
    build.add_argument("--lang", default="", help="only these language versions, e.g. zh,en")
    build.add_argument("--pdfa", action="store_true",
                       help="write PDF/A-3a (tagged, also PDF/UA-1) with the Akoma Ntoso XML and the YAML sources embedded")
    build.add_argument("--jobs", "-j", type=_positive, default=None,
                       help="worker processes (default: the number of CPUs; 1 renders in this process)")
    build.add_argument("--force", action="store_true", help="rebuild outputs that are up to date")
    build.add_argument("--quiet", "-q", action="store_true", help="print failures and the summary only")
    build.add_argument("--worker-limit", type=_positive, default=100, metavar="N",
                       help="replace a worker process after N outputs, to bound its memory (default: 100)")
    build.add_argument("--stats", type=Path, default=None, metavar="FILE",
                       help="write the run's figures (times, peak memory per process) as JSON")
    return p


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from . import build

        if args.command == "check":
            return build.check(args.paths)
        langs = [code.strip() for code in args.lang.split(",") if code.strip()]
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` cleans up like Ctrl-C: no partial file is left
        return build.build(args.paths, args.format, args.out, langs=langs, pdfa=args.pdfa, jobs=args.jobs,
                           force=args.force, quiet=args.quiet, worker_limit=args.worker_limit,
                           stats=args.stats)
    except KeyboardInterrupt:
        print("docgen: interrupted; no partial output was written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in docgen, not in the content
        if args.debug:
            raise
        print(f"docgen: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
