"""Imported by the build pool's forkserver, before it forks any worker: `job.load()` once there.

multiprocessing's forkserver preloads modules by name (it calls no function), so this module
does its work on import. What every worker needs whatever its documents (the writers, the
Latin-script font configuration, the compiled templates, the AKN schema) is then made once,
and each worker forked from the forkserver starts with it instead of making it again: a build
of 300 outputs with 100 per worker forks four workers.

Best effort: if loading fails here, each worker loads again and its first job reports the
failure, as without this module.
"""

from __future__ import annotations

import gc

from docgen.building.job import load
from docgen.framestack import keep_chunks

keep_chunks()  # in the forkserver: every worker forked from it keeps its frame-stack chunks
try:
    load()
except Exception:  # noqa: BLE001 - reported by the workers (see above)
    pass
gc.collect()  # the forked workers start from what is alive, not from the loading's garbage,
gc.freeze()  # and their collections do not walk (and so copy, page by page) what they inherit
