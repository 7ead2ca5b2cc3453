"""The `docgen` command: build and check documents.

    docgen check [PATH...]                      read, validate and lint; render nothing
    docgen build [PATH...] [--format pdf,docx,akn,html] [--out DIR] [--lang zh,en]

Content problems are printed as `file:line:col: error: message` and exit with status 1;
`--debug` shows a traceback for problems in docgen itself.
"""

from __future__ import annotations

import argparse
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
                       help="write PDF/A-3b with the Akoma Ntoso XML and the YAML sources embedded")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from . import build

        if args.command == "check":
            return build.check(args.paths)
        langs = [code.strip() for code in args.lang.split(",") if code.strip()]
        return build.build(args.paths, args.format, args.out, langs=langs, pdfa=args.pdfa)
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
