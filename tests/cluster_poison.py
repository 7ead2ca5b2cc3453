"""A Dask worker preload for tests/building/test_cluster.py, standing in for failures that only happen on
a worker: a document named `poison…` kills the worker that renders it (as a crash in a native
library or the kernel's OOM killer would); one named `unrenderable…` fails in the PDF writer
with a RenderError naming its language file (as a footnote that cannot be placed does)."""

import os
import signal

import docgen.building.cluster
import docgen.writers

_render = getattr(docgen.building.cluster, "unpoisoned_render", docgen.building.cluster.render)  # Dask may load a preload twice
_writer = getattr(docgen.writers, "unpoisoned_writer", docgen.writers.writer)
docgen.building.cluster.unpoisoned_render, docgen.writers.unpoisoned_writer = _render, _writer


def render(task):
    if task.name.startswith("poison"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _render(task)


def writer(fmt):
    write = _writer(fmt)

    def failing(doc, version, settings):
        if fmt == "pdf" and doc.name.startswith("unrenderable"):
            raise docgen.writers.RenderError(f"{version.path}: the footnotes could not be placed (test)")
        return write(doc, version, settings)

    return failing


docgen.building.cluster.render = render  # the client's task names docgen.building.cluster.render: this is what the worker finds
docgen.writers.writer = writer  # job.run looks it up at each call
