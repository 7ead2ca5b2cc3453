"""WeasyPrint's C declarations without parsing them at every import: cffi's out-of-line ABI mode.

`weasyprint.text.ffi` does `ffi = cffi.FFI(); ffi.cdef(TEXT)`, and cffi parses TEXT (~450 lines
of C) with pycparser on every import: 50-60 ms of each cold build. cffi's documented out-of-line
ABI mode parses it once: `set_source(name, None)` then `emit_python_code` write a Python module of
the parsed types, whose `ffi` is what the parse gives. While the gate imports WeasyPrint,
`cffi.FFI` makes a `_StandIn`, whose `cdef(TEXT)` loads that module for exactly this TEXT (named by
a hash of TEXT and cffi's version; written first if missing) from docgen's own cache
(`paths.cache_folder("cffi")`), never from WeasyPrint's site-packages. Anything else (an unwritable
cache, another cffi call first, an error) is cffi's own parse: slower, never different. After the
import, WeasyPrint's modules get the precompiled `ffi` itself in place of the stand-in.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import importlib.util
import os
import sys

from docgen.paths import cache_folder


def _precompiled(real_ffi_class, text: str):
    """cffi's out-of-line `ffi` for `text` from the cache, written there first if missing; None on any trouble."""
    import cffi

    name = "weasyprint_cdef_" + hashlib.sha256(f"{cffi.__version__}\0{text}".encode()).hexdigest()[:20]
    folder = cache_folder("cffi")
    path = folder / f"{name}.py"
    try:
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            builder = real_ffi_class()
            builder.cdef(text)
            builder.set_source(name, None)
            part = folder / f".{name}.{os.getpid()}.part"  # concurrent first builds each write their own
            with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating <file>"
                builder.emit_python_code(str(part))
            os.replace(part, path)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.ffi
    except Exception:  # noqa: BLE001 -- the slow path is the normal one, never an error
        return None


class _StandIn:
    """What `cffi.FFI()` returns during WeasyPrint's import: the precompiled ffi after one plain
    `cdef(TEXT)`, a real `cffi.FFI` for anything else."""

    def __init__(self, real_ffi_class, *args, **kwargs):
        self._real_ffi_class, self._arguments = real_ffi_class, (args, kwargs)
        self._ffi, self._text, self.precompiled = None, None, False

    def _real(self):
        if self._ffi is None or self.precompiled:
            args, kwargs = self._arguments
            real = self._real_ffi_class(*args, **kwargs)
            if self._text is not None:  # a second cdef after a precompiled first one: parse both
                real.cdef(self._text)
            self._ffi, self.precompiled = real, False
        return self._ffi

    def cdef(self, csource, *args, **kwargs):
        if self._ffi is None and not args and not kwargs and not self._arguments[0] and not self._arguments[1]:
            ffi = _precompiled(self._real_ffi_class, csource)
            if ffi is not None:
                self._ffi, self._text, self.precompiled = ffi, csource, True
                return None
        return self._real().cdef(csource, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._ffi if self._ffi is not None else self._real(), name)


@contextlib.contextmanager
def precompiled_declarations(modules: str = "weasyprint"):
    """While inside, `cffi.FFI()` makes stand-ins; on leaving, modules under `modules` that hold
    one hold its ffi instead (no indirection left on WeasyPrint's calls)."""
    import cffi

    real = cffi.FFI
    made: list[_StandIn] = []

    def make(*args, **kwargs):
        stand_in = _StandIn(real, *args, **kwargs)
        made.append(stand_in)
        return stand_in

    cffi.FFI = make
    try:
        yield made
    finally:
        cffi.FFI = real
        for stand_in in made:
            if stand_in._ffi is None:
                continue
            for module_name, module in list(sys.modules.items()):
                if module_name == modules or module_name.startswith(modules + "."):
                    for key, value in list(vars(module).items()):
                        if value is stand_in:
                            setattr(module, key, stand_in._ffi)
