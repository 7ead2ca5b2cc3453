"""A Dask worker preload for tests/test_cluster.py: a document named `poison…` kills the worker
that renders it, as a crash in a native library or the kernel's OOM killer would."""

import os
import signal

import docgen.cluster

_render = getattr(docgen.cluster, "unpoisoned_render", docgen.cluster.render)  # Dask may load a preload twice
docgen.cluster.unpoisoned_render = _render


def render(task):
    if task.name.startswith("poison"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _render(task)


docgen.cluster.render = render  # the client's task names docgen.cluster.render: this is what the worker finds
