"""CPython 3.11's frame-stack chunks kept for reuse in this process (`_framestack.c` says why):
an 80-page PDF build spent 2 of its 10.5 s in the kernel, mapping and unmapping them.

The compiled module is optional (setup.py): where it could not be built (no C compiler or no
Python headers when docgen was installed), `keep_chunks` does nothing and docgen runs the same,
slower. The command (`cli.run`) and the build pool's forkserver (`building/prewarm.py`, so every
worker) call it first thing; it changes no output, only time."""

from __future__ import annotations


def keep_chunks() -> bool:
    """Keep freed frame-stack chunks for reuse from now on; False if the module is not built."""
    try:
        from docgen import _framestack
    except ImportError:
        return False
    _framestack.keep_chunks()
    return True
