"""Property: any mutation of a valid source gives a clean error or a success, never a crash."""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings, strategies as st

from docgen import pipeline
from docgen.diagnostics import Diagnostic
from docgen.writers import Settings, writer

from tests.conftest import CONTENT

SOURCES = sorted(p.relative_to(CONTENT) for p in CONTENT.glob("*/*.yaml"))
SPECIAL = list("[]*^\\:{}#&!|>'\"%@`-\n\t ") + ["[^", "](ref:", "\x00", "\ufeff", "：", "  - ", "\n- x"]


@st.composite
def mutation(draw):
    source = draw(st.sampled_from(SOURCES))
    data = (CONTENT / source).read_bytes()
    ops = draw(st.lists(st.tuples(st.sampled_from(["delete", "insert", "replace", "truncate", "bytes"]),
                                  st.integers(0, len(data)), st.integers(1, 40),
                                  st.sampled_from(SPECIAL), st.binary(max_size=4)), min_size=1, max_size=4))
    for op, at, length, text, raw in ops:
        at = min(at, len(data))
        if op == "delete":
            data = data[:at] + data[at + length:]
        elif op == "insert":
            data = data[:at] + text.encode() + data[at:]
        elif op == "replace":
            data = data[:at] + text.encode() + data[at + length:]
        elif op == "truncate":
            data = data[:at]
        else:
            data = data[:at] + raw + data[at:]
    return source, data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation())
def test_mutated_source_never_crashes(tmp_path_factory, case):
    source, data = case
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(CONTENT / source.parts[0], root / source.parts[0])
    (root / source).write_bytes(data)
    documents, diagnostics = pipeline.read_all([root])  # must not raise
    assert all(isinstance(d, Diagnostic) and d.message for d in diagnostics)
    if not documents:
        assert any(d.severity == "error" for d in diagnostics)
    for doc in documents:  # what reads as valid must also render
        for version in doc.versions.values():
            for fmt in ("html", "akn"):
                writer(fmt)(doc, version, Settings())
    for d in diagnostics:
        assert str(d.location.path).startswith(str(root)) or d.location.path == root
