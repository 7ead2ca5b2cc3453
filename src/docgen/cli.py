"""The `docgen` command: build and check documents.

    docgen check [PATH...]                      read, validate and lint; render nothing
    docgen new FOLDER --type resolution|decision|report --langs en,fr [--organ KEY]
    docgen schema [document|language|report|report-language] [--write DIR]
    docgen import DRAFT.docx|FILE.xml [--into FOLDER] [--changes accept|reject] [--dry-run]
    docgen build [PATH...] [--format pdf,docx,akn,html] [--out DIR] [--lang zh,en]
                 [--jobs N | --cluster tcp://HOST:PORT] [--force] [--quiet] [--pdfa] [--prune]
    docgen worker tcp://HOST:PORT [dask worker options]   render for `build --cluster` (docs/cluster.md)
    docgen watch [PATH...] [--format ...] [--out DIR] [--lang ...] [--serve [PORT]]

`build` is incremental: an output whose inputs (content, templates, fonts, docgen, settings)
have not changed since it was built into --out is not rebuilt.

Content problems are printed as `file:line:col: error: message` and exit with status 1;
`--debug` shows a traceback for problems in docgen itself.
"""

from __future__ import annotations

import functools
import os
import sys

from docgen import __version__

def _formats(value: str) -> list[str]:
    import argparse

    from docgen.writers import FORMATS

    chosen = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}")
    return chosen


def _languages(value: str) -> list[str]:
    import argparse

    from docgen.data.tables import CODES

    chosen = [c.strip() for c in value.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in CODES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown language {', '.join(unknown) or value!r}; "
                                         f"choose from {', '.join(CODES)}")
    return chosen


def _positive(value: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {value!r}")
    return number


PATHS_HELP = ("document folders (document.yaml + <lang>.yaml), folders of them, or files in them "
              "(default: content, in the current folder)")


def _common() -> argparse.ArgumentParser:
    """Options every subcommand accepts, before or after its name."""
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks of internal errors")
    return common


@functools.cache
def parser():
    import argparse
    from pathlib import Path

    from docgen.writers import FORMATS

    p = argparse.ArgumentParser(prog="docgen", description=__doc__.split("\n\n")[0], parents=[_common()])
    p.add_argument("--version", action="version", version=f"docgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    add = lambda name, **kw: sub.add_parser(name, parents=[_common()], **kw)  # noqa: E731
    check = add("check", help="load, validate and lint without rendering")
    check.add_argument("paths", nargs="*", type=Path, default=[Path("content")], metavar="PATH", help=PATHS_HELP)
    build = add("build", help="render documents")
    build.add_argument("paths", nargs="*", type=Path, default=[Path("content")], metavar="PATH", help=PATHS_HELP)
    build.add_argument("--format", type=_formats, default=list(FORMATS), help="comma-separated: " + ",".join(FORMATS))
    build.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output)")
    build.add_argument("--lang", type=_languages, default=[], help="only these language versions, e.g. zh,en")
    build.add_argument("--prune", action="store_true",
                       help="delete outputs whose document or language file is gone (listed otherwise)")
    build.add_argument("--pdfa", action="store_true",
                       help="write PDF/A-3a (tagged, also PDF/UA-1) with the Akoma Ntoso XML and the YAML sources embedded")
    build.add_argument("--jobs", "-j", type=_positive, default=None,
                       help="worker processes (default: the number of CPUs; 1 renders in this process)")
    build.add_argument("--force", action="store_true", help="rebuild outputs that are up to date")
    build.add_argument("--quiet", "-q", action="store_true", help="print failures and the summary only")
    build.add_argument("--worker-limit", type=_positive, default=300, metavar="N",
                       help="replace a worker process after N outputs, to bound its memory (default: 300)")
    build.add_argument("--stats", type=Path, default=None, metavar="FILE",
                       help="write the run's figures (times, peak memory per process) as JSON")
    build.add_argument("--cluster", default=None, metavar="tcp://HOST:PORT",
                       help="render on the workers of this Dask scheduler (docs/cluster.md); "
                            "needs pip install 'docgen[cluster]'")
    worker = add("worker", help="render for `docgen build --cluster`: `dask worker` with docgen's preload")
    worker.add_argument("scheduler", metavar="tcp://HOST:PORT")
    worker.add_argument("dask_args", nargs=argparse.REMAINDER, metavar="...",
                        help="`dask worker` options, e.g. --nworkers 4 --memory-limit 2GiB --lifetime 1h "
                             "--lifetime-stagger 5m --lifetime-restart (default: one single-threaded worker per CPU)")
    new = add("new", help="write a new document folder that passes check, each field explained")
    new.add_argument("folder", type=Path, metavar="FOLDER", help="the document folder to create, e.g. content/ga-99-1")
    new.add_argument("--type", choices=("resolution", "decision", "report"), required=True)
    new.add_argument("--langs", type=_languages, required=True, help="language versions, e.g. en,fr (the first is "
                                                                      "the original)")
    new.add_argument("--organ", default="un-ga", metavar="KEY", help="the adopting organ (default: un-ga)")
    new.add_argument("--form", default="adopted", choices=("adopted", "draft", "narrative", "in-report"),
                     help="adopted (default): issued as its own document with its adoption line; draft: an L. "
                          "document with its sponsors; narrative: a decision without formula; in-report: printed "
                          "inside a report")
    schema = add("schema", help="print the JSON Schema of document.yaml or <lang>.yaml (for editors)")
    schema.add_argument("which", nargs="?", choices=("document", "language", "report", "report-language"),
                        default="document")
    schema.add_argument("--write", type=Path, metavar="DIR", help="write every schema into DIR instead")
    imp = add("import", help="bring an edited Word draft (or Akoma Ntoso file) back into <lang>.yaml")
    imp.add_argument("draft", type=Path, help="the .docx draft docgen made (edited), or a docgen .xml")
    imp.add_argument("--into", type=Path, default=None, metavar="FOLDER",
                     help="the document folder (default: content/<the document the draft names>)")
    imp.add_argument("--changes", choices=("accept", "reject"), default=None,
                     help="resolve the draft's tracked changes (required when it has some)")
    imp.add_argument("--dry-run", action="store_true", help="show the summary and the diff; write nothing")
    watch = add("watch", help="rebuild what changes while you edit; --serve for a live preview")
    watch.add_argument("paths", nargs="*", type=Path, default=[Path("content")], metavar="PATH", help=PATHS_HELP)
    watch.add_argument("--format", type=_formats, default=list(FORMATS), help="comma-separated: " + ",".join(FORMATS))
    watch.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output)")
    watch.add_argument("--lang", type=_languages, default=[], help="only these language versions, e.g. zh,en")
    watch.add_argument("--serve", type=int, nargs="?", const=8000, default=None, metavar="PORT",
                       help="serve a preview on http://127.0.0.1:PORT/ that reloads after each rebuild "
                            "(default port 8000; 0 picks a free one)")
    return p


def _new(args) -> int:
    from docgen.authoring import new as scaffold

    try:
        files = scaffold.create(args.folder, args.type, args.langs, args.organ, args.form)
    except scaffold.NewError as exc:
        print(f"docgen new: error: {exc}", file=sys.stderr)
        return 1
    for path in files:
        print(f"wrote {path}")
    print(f"docgen new: replace the values marked TO DO, then run `docgen check {args.folder}`")
    return 0


def _schema(args) -> int:
    from docgen.authoring import schema

    if args.write:
        for path in schema.write(args.write):
            print(f"wrote {path}")
    else:
        sys.stdout.write(schema.text(args.which))
    return 0


def _import(args) -> int:
    from docgen import importing

    try:
        result = importing.run(args.draft, args.into, args.changes, args.dry_run)
    except (importing.DraftError, importing.ImportFailure) as exc:
        print(f"docgen import: error: {exc}\ndocgen import: nothing written", file=sys.stderr)
        return 1
    print("\n".join(result.summary.lines()))
    if result.new == result.old:
        print(f"docgen import: {result.target} unchanged")
    else:
        print(result.diff, end="")
        print(f"docgen import: {'would write' if args.dry_run else 'wrote'} {result.target}"
              + (" (dry run: nothing written)" if args.dry_run else ""))
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "debug", False):
        os.environ["DOCGEN_DEBUG"] = "1"  # worker processes then add tracebacks to internal errors
    try:
        from docgen import building

        if args.command == "check":
            return building.check(args.paths)
        if args.command == "worker":
            from docgen.building.cluster import worker_command

            return worker_command(args.scheduler, args.dask_args)
        if args.command == "new":
            return _new(args)
        if args.command == "schema":
            return _schema(args)
        if args.command == "import":
            return _import(args)
        import signal

        signal.signal(signal.SIGTERM, _interrupt)  # `kill` cleans up like Ctrl-C: no partial file is left
        if args.command == "watch":
            from docgen.building import watch

            return watch.watch(args.paths, args.format, args.out, langs=args.lang, serve=args.serve)
        return building.build(args.paths, args.format, args.out, langs=args.lang, pdfa=args.pdfa, jobs=args.jobs,
                           force=args.force, quiet=args.quiet, worker_limit=args.worker_limit,
                           stats=args.stats, prune=args.prune, cluster=args.cluster)
    except KeyboardInterrupt:
        print("docgen: interrupted; no partial output was written", file=sys.stderr)
        return 130
    except OSError as exc:  # the environment (a folder that cannot be read or written): not a bug, no traceback
        if getattr(args, "debug", False):
            raise
        print(f"docgen {args.command}: error: cannot use {exc.filename or 'a file'}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in docgen, not in the content
        if getattr(args, "debug", False):
            raise
        print(f"docgen: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 2


def run() -> None:
    """The `docgen` command: main(), then a quick exit.

    A one-shot command has nothing left to do once main() returns but Python's teardown, which
    frees every object one by one (WeasyPrint's and the fonts': ~0.1 s of a cold build). The
    build has written its files atomically and saved its state by then; the standard streams
    are flushed here, and the process ends with os._exit. The garbage collector is off for the
    same reason: a one-shot command frees nothing worth the walks (a build with many outputs
    collects between them, `job.collect_between_jobs`). No process is left behind: a build's
    workers are joined before main() returns.
    Frame-stack chunks are kept for reuse (`framestack`: CPython 3.11 unmaps them as they empty).
    """
    import gc

    from docgen.framestack import keep_chunks

    keep_chunks()
    gc.disable()
    code = main(sys.argv[1:])
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1  # stdout closed early (a pipe to head): as Python itself would
    os._exit(code)


if __name__ == "__main__":
    run()
