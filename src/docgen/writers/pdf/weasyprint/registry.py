"""The ordered list of what docgen replaces in WeasyPrint and pydyf, each with what it replaces.

Every concern module (footnotes.py, fonts.py, ...) declares its patches here when the gate imports
it; the gate imports them in a stated order, and that is the order they are applied in. A name is
patched once: where two concerns need one function, one replacement does both, in an order its
docstring states. Each declaration carries the fingerprint of the object it replaces as WeasyPrint
70.0 has it (the SHA-256 of its source text): a copy or wrapper of a function that has changed
would go wrong silently, so `apply` refuses, with the gate's clear error, before patching
anything. `stock()` gives WeasyPrint's own objects back for a while (tests show what each patch
changes).
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

from docgen.writers import RenderError

MISSING = object()  # a name docgen adds (WeasyPrint has none such)


class UnsupportedWeasyPrint(RenderError):
    """The installed WeasyPrint is not the one docgen's patches were written for: the PDF outputs
    fail with this message, the other formats build."""


@dataclass(eq=False)
class Patch:
    concern: str     # the module that declares it: footnotes, fonts, ...
    owner: object    # the module, class or dict that holds the name
    name: str
    new: object      # the replacement; None: not replaced, only relied on as it is
    stock: str       # `fingerprint` of WeasyPrint 70.0's object ("" for a name docgen adds)
    original: object = MISSING


PATCHES: list[Patch] = []
_applied = False


def _get(owner, name):
    if isinstance(owner, dict):
        return owner.get(name, MISSING)
    return vars(owner).get(name, MISSING)


def _set(owner, name, value) -> None:
    if isinstance(owner, dict):
        if value is MISSING:
            owner.pop(name, None)
        else:
            owner[name] = value
    elif value is MISSING:
        if name in vars(owner):
            delattr(owner, name)
    else:
        setattr(owner, name, value)


def _label(patch: Patch) -> str:
    owner = patch.owner
    where = "dict" if isinstance(owner, dict) else getattr(owner, "__module__", None) or owner.__name__
    if isinstance(owner, type):
        where = f"{owner.__module__}.{owner.__qualname__}"
    return f"{where}.{patch.name}"


def patch(concern: str, owner, name: str, new, stock: str):
    """Declare that `owner.name` (or `owner[name]`) becomes `new`; returns WeasyPrint's object,
    for a replacement that calls it."""
    if any(p.owner is owner and p.name == name for p in PATCHES):
        raise AssertionError(f"{name} is patched twice: make one patch that does both")
    original = _get(owner, name)
    PATCHES.append(Patch(concern, owner, name, new, stock, original))
    return original


def relies_on(concern: str, owner, name: str, stock: str):
    """Declare that docgen copies or depends on `owner.name` as it is, without replacing it."""
    return patch(concern, owner, name, None, stock)


def _codes(code):
    yield code
    for constant in code.co_consts:
        if hasattr(constant, "co_lines"):
            yield from _codes(constant)


def _lines(filename: str, sources: dict) -> list[str]:
    if filename not in sources:
        try:
            with open(filename, encoding="utf-8") as file:
                sources[filename] = file.read().splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            sources[filename] = []
    return sources[filename]


def fingerprint(value, sources: dict | None = None) -> str:
    """What a patch relies on, as a short hash: a function's source text (the file as installed,
    from its first line to the last line any of its code objects has), a class's functions, a
    property's accessors; for anything else its type. `sources`: files read so far (by name)."""
    sources = {} if sources is None else sources
    while hasattr(value, "__wrapped__"):  # a contextmanager's function
        value = value.__wrapped__
    if value is MISSING:
        return ""
    if isinstance(value, property):
        parts = [fingerprint(f, sources) for f in (value.fget, value.fset, value.fdel) if f is not None]
    elif isinstance(value, type):
        parts = [f"{name}:{fingerprint(member, sources)}" for name, member in sorted(vars(value).items())
                 if callable(member) or isinstance(member, property)]
    elif hasattr(value, "__code__"):
        code = value.__code__
        lines = _lines(code.co_filename, sources)
        last = max((line for c in _codes(code) for _, _, line in c.co_lines() if line), default=0)
        if not lines or last < code.co_firstlineno:
            return "no source"
        parts = lines[code.co_firstlineno - 1:last]
    else:
        parts = [type(value).__module__, type(value).__qualname__, getattr(value, "__name__", "")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def changed() -> list[str]:
    """The names whose installed object is not the one a patch was written for."""
    sources: dict = {}  # each file read once, and not kept (linecache would keep them)
    return [_label(p) for p in PATCHES if fingerprint(p.original, sources) != p.stock]


def apply(supported: str) -> None:
    """Check every fingerprint, then patch everything, in order; nothing at all on a mismatch."""
    global _applied
    if _applied:
        return
    if different := changed():
        import weasyprint

        raise UnsupportedWeasyPrint(
            f"the PDF writer needs WeasyPrint {supported}.x as docgen's patches were written for it; the installed "
            f"WeasyPrint {weasyprint.__version__} differs in {', '.join(different[:5])}"
            f"{' ...' if len(different) > 5 else ''}: pip install 'weasyprint=={supported}.0'")
    for p in PATCHES:
        if p.new is not None:
            _set(p.owner, p.name, p.new)
    _applied = True


@contextmanager
def stock(*concerns: str):
    """WeasyPrint's own objects while inside (those of the given concerns, or all), docgen's again after."""
    chosen = [p for p in PATCHES if p.new is not None and (not concerns or p.concern in concerns)]
    unknown = set(concerns) - {p.concern for p in PATCHES}
    if unknown:
        raise ValueError(f"no such concern: {', '.join(sorted(unknown))}")
    for p in reversed(chosen):
        _set(p.owner, p.name, p.original)
    try:
        yield
    finally:
        for p in chosen:
            _set(p.owner, p.name, p.new)
