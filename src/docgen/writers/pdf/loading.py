"""Importing WeasyPrint 70 without what docgen's path never uses.

A cold `docgen build --format pdf` spent ~0.2 s importing WeasyPrint, most of it on work this
path does not need (performance.md):
  - fontTools (60-80 ms): WeasyPrint imports it at the top of `text/fonts.py` and `pdf/fonts.py`
    for WOFF decoding and for its fallback subsetter; docgen's fonts are OTF/TTF subset by
    HarfBuzz, so fontTools is never called;
  - Pillow (~20 ms): for raster images and ICC profiles, which docgen's pages do not have;
  - cffi parsing WeasyPrint's C declarations with pycparser (50-60 ms) on every import.

While WeasyPrint is imported, an import hook loads the modules named in `DEFERRED` and
`weasyprint.text.ffi` through a source transform, compiled once and cached beside
WeasyPrint's own bytecode (`__pycache__/*.docgen-N.pyc`, keyed on the source file's size and
mtime, the Python version and this module's `VERSION`):
  - deferred imports: a top-level `import`/`from ... import` of a DEFERRED package is moved
    into each function that uses its names (module-level statements that only configure such a
    package, like `ImageFile.LOAD_TRUNCATED_IMAGES = True`, move with it); an import used at
    module level otherwise stays where it is. Behaviour is unchanged: the import runs, later,
    only if called;
  - cffi "out-of-line ABI mode": the `ffi.cdef(...)` text is compiled once by cffi itself into
    a module of pre-parsed types (`ffi.set_source(name, None)`, cffi's documented way to skip
    parsing at import), and `ffi` is that module's FFI object. The libraries are opened the same
    way (`ffi.dlopen`).
Anything unexpected (a WeasyPrint whose modules do not have this shape, an unwritable cache)
falls back to the original code: slower, never different. `tests/test_speed.py` checks
that fontTools, PIL and pycparser stay unimported and that pages are unchanged.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.machinery
import marshal
import sys
from contextlib import contextmanager
from pathlib import Path

VERSION = 1  # bump when a transform changes: cached code of another version is not used
DEFERRED = {  # module -> top-level packages whose imports move into the functions using them
    "weasyprint.text.fonts": ("fontTools",),
    "weasyprint.pdf.fonts": ("fontTools",),
    "weasyprint.draw.text": ("PIL",),
    "weasyprint.images": ("PIL",),
    "weasyprint.css": ("PIL",),
}
FFI_MODULE = "weasyprint.text.ffi"


def _root(node: ast.stmt) -> str | None:
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return node.module.split(".")[0]
    if isinstance(node, ast.Import) and len(node.names) == 1:
        return node.names[0].name.split(".")[0]
    return None


def _bound(node: ast.stmt) -> set[str]:
    return {(alias.asname or alias.name).split(".")[0] for alias in node.names}


def _loads(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _functions(tree: ast.AST):
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def defer_imports(tree: ast.Module, packages: tuple[str, ...]) -> bool:
    """Move top-level imports of `packages` into the functions that use them (see above)."""
    imports = [n for n in tree.body if _root(n) in packages]
    if not imports:
        return False
    names = set().union(*map(_bound, imports))
    setup = [n for n in tree.body if n not in imports and isinstance(n, (ast.Assign, ast.Expr))
             and _loads(n) and _loads(n) <= names]
    rest = [n for n in tree.body if n not in imports and n not in setup]
    outside = set()
    for node in rest:  # names used outside any function body (decorators, bases, defaults, module code)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts = node.decorator_list + [node.args] + ([node.returns] if node.returns else [])
            outside |= set().union(*map(_loads, parts)) if parts else set()
        elif isinstance(node, ast.ClassDef):
            parts = node.bases + node.keywords + node.decorator_list
            outside |= set().union(*map(_loads, parts)) if parts else set()
            for item in node.body:
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    outside |= _loads(item)
        else:
            outside |= _loads(node)
    if outside & names:
        return False
    for function in _functions(tree):
        used = _loads(function) & names
        if not used:
            continue
        moved = [n for n in imports if _bound(n) & used]
        moved += [n for n in setup if _loads(n) <= set().union(*map(_bound, moved))]
        at = 1 if function.body and isinstance(function.body[0], ast.Expr) and isinstance(
            getattr(function.body[0], "value", None), ast.Constant) else 0
        function.body[at:at] = [_copy(n) for n in moved]
    tree.body = rest
    return True


def _copy(node: ast.stmt) -> ast.stmt:
    import copy

    return copy.deepcopy(node)  # keeps the original line numbers for tracebacks


def precompile_ffi(tree: ast.Module, cache: Path) -> str:
    """Replace `ffi = cffi.FFI(); ffi.cdef(TEXT)` by cffi's out-of-line FFI for TEXT (see above)."""
    body = tree.body
    for i, node in enumerate(body[:-1]):
        following = body[i + 1]
        if (isinstance(node, ast.Assign) and ast.unparse(node) == "ffi = cffi.FFI()"
                and isinstance(following, ast.Expr) and isinstance(following.value, ast.Call)
                and ast.unparse(following.value.func) == "ffi.cdef" and len(following.value.args) == 1
                and isinstance(following.value.args[0], ast.Constant) and not following.value.keywords):
            declarations = following.value.args[0].value
            name = "_docgen_weasyprint_ffi_" + hashlib.sha256(declarations.encode()).hexdigest()[:16]
            generated = cache / f"{name}.py"
            if not generated.exists():
                import contextlib
                import io

                import cffi

                builder = cffi.FFI()
                builder.cdef(declarations)
                builder.set_source(name, None)
                with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating <file>"
                    builder.emit_python_code(str(generated))
            namespace: dict = {}
            exec(compile(generated.read_text("utf-8"), str(generated), "exec"), namespace)
            replacement = ast.parse(f"ffi = __import__('sys').modules[{name!r}].ffi").body
            for new in replacement:
                ast.copy_location(new, node)
                ast.fix_missing_locations(new)
            body[i:i + 2] = replacement
            sys.modules.setdefault(name, _module(name, namespace))
            return name
    return ""


def _module(name: str, namespace: dict):
    import types

    module = types.ModuleType(name)
    module.__dict__.update(namespace)
    return module


class _Loader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname):
        source_path = Path(self.path)
        stat = source_path.stat()
        cache_dir = source_path.parent / "__pycache__"
        cached = cache_dir / f"{source_path.stem}.{sys.implementation.cache_tag}.docgen-{VERSION}.pyc"
        key = (stat.st_size, stat.st_mtime_ns, VERSION)
        try:
            stored_key, ffi_name, code = marshal.loads(cached.read_bytes())
            if tuple(stored_key) == key and (not ffi_name or _ffi_ready(cache_dir, ffi_name)):
                return code
        except (OSError, ValueError, EOFError, TypeError):
            pass
        tree = ast.parse(source_path.read_bytes(), str(source_path))
        ffi_name = ""
        if fullname == FFI_MODULE:
            cache_dir.mkdir(exist_ok=True)
            ffi_name = precompile_ffi(tree, cache_dir)
            if not ffi_name:
                return super().get_code(fullname)
        elif not defer_imports(tree, DEFERRED[fullname]):
            return super().get_code(fullname)
        code = compile(tree, str(source_path), "exec", dont_inherit=True)
        try:
            cache_dir.mkdir(exist_ok=True)
            part = cached.with_suffix(".part")
            part.write_bytes(marshal.dumps((key, ffi_name, code)))
            part.replace(cached)
        except OSError:
            pass  # read-only installation: transform again next time
        return code


def _ffi_ready(cache_dir: Path, name: str) -> bool:
    """Load the generated FFI module for cached code that refers to it (False: regenerate)."""
    if name in sys.modules:
        return True
    generated = cache_dir / f"{name}.py"
    try:
        text = generated.read_text("utf-8")
    except OSError:
        return False
    namespace: dict = {}
    exec(compile(text, str(generated), "exec"), namespace)
    sys.modules[name] = _module(name, namespace)
    return True


class _Finder:
    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname not in DEFERRED and fullname != FFI_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        spec.loader = _Loader(fullname, spec.origin)
        return spec


@contextmanager
def lean_imports():
    """While inside, WeasyPrint's modules load through the transforms above."""
    sys.meta_path.insert(0, _Finder)
    try:
        yield
    finally:
        sys.meta_path.remove(_Finder)
