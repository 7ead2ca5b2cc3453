"""Importing WeasyPrint 70 without what docgen's path never uses.

A cold `docgen build --format pdf` spent ~0.2 s importing WeasyPrint, most of it on work this
path does not need (performance.md):
  - fontTools (60-80 ms): WeasyPrint imports it at the top of `text/fonts.py` and `pdf/fonts.py`
    for WOFF decoding and for its fallback subsetter; docgen's fonts are OTF/TTF subset by
    HarfBuzz, so fontTools is never called;
  - Pillow (~20 ms): for raster images and ICC profiles, which docgen's pages do not have;
  - uuid (and platform, ~4 ms): for PDF/A-4 metadata only;
  - cffi parsing WeasyPrint's C declarations with pycparser (50-60 ms) on every import.

While WeasyPrint is imported, an import hook loads the modules named in `DEFERRED` and
`weasyprint.text.ffi` through a source transform, compiled once and cached beside
WeasyPrint's own bytecode (`__pycache__/*.docgen-N.pyc`, keyed on the source file's size and
mtime, the Python version and this module's `VERSION`):
  - deferred imports: a top-level `import`/`from ... import` of a DEFERRED package is moved
    to just before each statement inside a function that uses its names, as deep in `if`/`for`/
    `try` bodies as the use is (module-level statements that only configure such a package,
    like `ImageFile.LOAD_TRUNCATED_IMAGES = True`, move with it); an import used at module level
    otherwise stays where it is. Behaviour is unchanged: the import runs later, when and only
    if a statement that needs it runs;
  - deferred values: the user-agent stylesheets for forms and for presentational hints
    (~20 ms of parsing, `DEFERRED_VALUES`) become `Deferred` stand-ins that parse their CSS
    the first time WeasyPrint touches them (docgen's pages have neither); so does the HTML5
    user-agent stylesheet (~40 ms), which docgen's pages replace by a reduced one (`uasheet.py`),
    and the table of MIME types read from the system's mime.types (~3 ms, for attachments);
  - lazy classes: `class URLFetcher(request.OpenerDirector)` needs urllib.request (http.client,
    ssl, socket, email: 15-20 ms) to be defined; its definition moves into a function run the
    first time the class is called, subclassed, or asked for an attribute (`LazyClass`), so the
    deferred-import transform can move urllib's import into that function. docgen's renders
    never make one (`fetcher.py` fetches their data: URLs);
  - skipped checks: `weasyprint.text.fonts` loads the system's whole Fontconfig set-up at import
    (FcInitLoadConfigAndFonts, 4-10 ms) only to warn when the system has no font
    (`_check_font_configuration`, `SKIPPED_CHECKS`); docgen's pages use no system font (their
    configuration knows only their own faces, patches.py 11.), so the call is left out;
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
import functools
import hashlib
import importlib.machinery
import marshal
import os
import sys
from contextlib import contextmanager
from pathlib import Path

VERSION = 8  # bump when a transform changes: cached code of another version is not used
DEFERRED = {  # module -> top-level packages whose imports move into the functions using them
    "weasyprint.text.fonts": ("fontTools",),
    "weasyprint.pdf.fonts": ("fontTools",),
    "weasyprint.draw.text": ("PIL",),
    "weasyprint.images": ("PIL",),
    "weasyprint.css": ("PIL",),
    "weasyprint.urls": ("urllib", "email"),  # urllib.request: http.client, ssl, socket, email.* (~15-20 ms)
    "weasyprint.pdf.metadata": ("uuid",),  # uuid imports platform (~4 ms); used for PDF/A-4 only
}
LAZY_CLASSES = {  # module -> top-level classes made on first use (their base needs a DEFERRED import)
    "weasyprint.urls": ("URLFetcher",),  # a urllib.request.OpenerDirector
}
SKIPPED_CHECKS = {  # module -> functions whose top-level calls (a check that only warns) are left out
    "weasyprint.text.fonts": ("_check_font_configuration",),
}
FFI_MODULE = "weasyprint.text.ffi"
DEFERRED_VALUES = {  # module -> top-level names whose value is made on first use
    # forms and presentational hints: unused; the HTML5 sheet: parsed for pages `uasheet.py` cannot serve
    "weasyprint.html": ("UA_STYLESHEET", "UA_FORM_STYLESHEET", "PH_STYLESHEET"),
    "weasyprint.pdf.anchors": ("MIMETYPES",),  # reads the system's mime.types (~3 ms); for attachments only
}


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


def defer_imports(tree: ast.Module, packages: tuple[str, ...]) -> bool:
    """Move top-level imports of `packages` to just before the statements that use them (see above)."""
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
            outside |= _header_loads(node)
        elif isinstance(node, ast.ClassDef):
            outside |= _header_loads(node)
            for item in node.body:
                outside |= _header_loads(item) if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) else _loads(item)
        else:
            outside |= _loads(node)
    if outside & names:
        return False

    def before(used: set[str]) -> list[ast.stmt]:
        moved = [n for n in imports if _bound(n) & used]
        provided = set().union(*map(_bound, moved))
        return [_copy(n) for n in moved + [n for n in setup if _loads(n) <= provided]]

    for node in rest:
        for function in ([node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else
                         [i for i in node.body if isinstance(i, (ast.FunctionDef, ast.AsyncFunctionDef))]
                         if isinstance(node, ast.ClassDef) else []):
            function.body = _place(function.body, names - _locals(function), before)
    tree.body = rest
    return True


_BODIES = ("body", "orelse", "finalbody")


def _locals(function) -> set[str]:
    """Names a function binds itself (parameters, assignments): those are not the module's."""
    args = function.args
    bound = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    bound |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    return bound | {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _header_loads(node: ast.stmt) -> set[str]:
    """Names a compound statement uses outside its bodies (a test, an iterable, an except clause...)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parts = node.decorator_list + [node.args] + ([node.returns] if node.returns else [])
    elif isinstance(node, ast.ClassDef):
        parts = node.bases + node.keywords + node.decorator_list
    elif isinstance(node, (ast.If, ast.While)):
        parts = [node.test]
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        parts = [node.target, node.iter]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        parts = list(node.items)
    elif isinstance(node, ast.Try):
        parts = [h.type for h in node.handlers if h.type is not None]
    else:
        return _loads(node)
    return set().union(*map(_loads, parts)) if parts else set()


def _place(statements: list[ast.stmt], names: set[str], before) -> list[ast.stmt]:
    """Each statement that uses `names` gets their imports right before it, as deep as possible:
    an import inside an `if` branch runs only when that branch does."""
    placed = []
    for node in statements:
        used = _loads(node) & names
        if not used:
            placed.append(node)
            continue
        header = _header_loads(node) & names
        if header or isinstance(node, ast.ClassDef) or not any(hasattr(node, b) for b in _BODIES + ("handlers",)):
            placed += before(used)
            placed.append(node)
            continue
        inner = names - _locals(node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else names
        for attribute in _BODIES:
            if getattr(node, attribute, None):
                setattr(node, attribute, _place(getattr(node, attribute), inner, before))
        for handler in getattr(node, "handlers", []):
            handler.body = _place(handler.body, names, before)
        placed.append(node)
    return placed


class Deferred:
    """A value made on first use; attribute access goes to the value (a CSS stylesheet here)."""

    __slots__ = ("_make", "_value")

    def __init__(self, make):
        self._make, self._value = make, None

    def __getattr__(self, name):
        if self._value is None:
            self._value = self._make()
        return getattr(self._value, name)


class LazyClass:
    """A class defined on first use: calling it, subclassing it, isinstance/issubclass with it
    or any attribute make the class (`make()`), which then also replaces this stand-in in
    its module."""

    __slots__ = ("_make", "_value")

    def __init__(self, make):
        self._make, self._value = make, None

    def _class(self):
        if self._value is None:
            self._value = self._make()
            module = sys.modules.get(self._value.__module__)
            if module is not None and getattr(module, self._value.__name__, None) is self:
                setattr(module, self._value.__name__, self._value)  # pickle finds the class itself
        return self._value

    def __call__(self, *args, **kwargs):
        return self._class()(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._class(), name)

    def __mro_entries__(self, bases):
        return (self._class(),)

    def __instancecheck__(self, instance):
        return isinstance(instance, self._class())

    def __subclasscheck__(self, subclass):
        return issubclass(subclass, self._class())


def lazy_classes(tree: ast.Module, names: tuple[str, ...]) -> bool:
    """`class NAME(...): ...` at module level becomes a function that defines and returns it, and
    `NAME = LazyClass(that function)`."""
    found = 0
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.ClassDef) and node.name in names and not node.decorator_list:
            maker = f"_docgen_make_{node.name}"
            function = ast.parse(f"def {maker}():\n    {node.name}.__qualname__ = {node.name!r}\n    return {node.name}\n"
                                 f"{node.name} = __import__('docgen.writers.pdf.loading', fromlist=['LazyClass'])"
                                 f".LazyClass({maker})").body
            function[0].body.insert(0, node)
            for new in function:
                ast.copy_location(new, node)
            tree.body[i:i + 1] = [ast.fix_missing_locations(new) for new in function]
            found += 1
    return found == len(names)


def skip_checks(tree: ast.Module, names: tuple[str, ...]) -> bool:
    """Leave out the module-level statements that only call one of `names` (see above)."""
    kept = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)
                                         and isinstance(n.value.func, ast.Name) and n.value.func.id in names)]
    skipped = len(kept) < len(tree.body)
    tree.body[:] = kept
    return skipped


def defer_values(tree: ast.Module, names: tuple[str, ...]) -> bool:
    """`NAME = expression` at module level becomes `NAME = Deferred(lambda: expression)`."""
    found = 0
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in names):
            lazy = ast.parse("__import__('docgen.writers.pdf.loading', fromlist=['Deferred']).Deferred(lambda: 0)",
                             mode="eval").body
            lazy.args[0].body = node.value
            node.value = ast.fix_missing_locations(ast.copy_location(lazy, node.value))
            found += 1
    return found == len(names)


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
                part = generated.with_name(f".{generated.name}.{os.getpid()}.part")
                with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating <file>"
                    builder.emit_python_code(str(part))
                part.replace(generated)
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
        try:
            return self._transformed(fullname)
        except Exception:  # noqa: BLE001 -- an unexpected shape or an unwritable cache: the original code
            return super().get_code(fullname)

    def _transformed(self, fullname):
        source_path = Path(self.path)
        stat = source_path.stat()
        cache_dir = source_path.parent / "__pycache__"
        cached = cache_dir / f"{source_path.stem}.{sys.implementation.cache_tag}.docgen-{VERSION}.pyc"
        key = (stat.st_size, stat.st_mtime_ns, VERSION, _own_hash())
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
        elif fullname in DEFERRED_VALUES:
            if not defer_values(tree, DEFERRED_VALUES[fullname]):
                return super().get_code(fullname)
        else:
            if fullname in LAZY_CLASSES and not lazy_classes(tree, LAZY_CLASSES[fullname]):
                return super().get_code(fullname)
            if not defer_imports(tree, DEFERRED[fullname]):
                return super().get_code(fullname)
            skip_checks(tree, SKIPPED_CHECKS.get(fullname, ()))  # none found: nothing left out
        code = compile(tree, str(source_path), "exec", dont_inherit=True)
        try:
            _write_atomic(cached, marshal.dumps((key, ffi_name, code)))
        except OSError:
            pass  # read-only installation: transform again next time
        return code


@functools.cache
def _own_hash() -> str:
    """This module's own source: cached code made by another version of the transforms is not used."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _write_atomic(path: Path, data: bytes) -> None:
    """Concurrent first runs (a build's workers) each write their own part, then rename."""
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_bytes(data)
    part.replace(path)


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
        if fullname not in DEFERRED and fullname not in DEFERRED_VALUES and fullname != FFI_MODULE:
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
