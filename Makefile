# docgen: `make pdf` builds the PDFs, `make test` runs the tests. Both do their own set-up
# (Debian packages, .venv, fonts) once; a second run does no set-up work.
# The interpreter of .venv: Debian's python3 where it is 3.11+, else python3 (scripts/interpreter says why);
# `make setup PYTHON=/path/to/python3.x` chooses another, and .venv is made again when it changes.
INTERPRETER := $(shell PYTHON="$(PYTHON)" scripts/interpreter)
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
DOCGEN := $(BIN)/docgen
CONTENT ?= content

.PHONY: all pdf docx xml html test test-fast check bench clean setup fonts FORCE

all: setup
	$(DOCGEN) build $(CONTENT)

pdf: setup
	$(DOCGEN) build $(CONTENT) --format pdf

docx: setup
	$(DOCGEN) build $(CONTENT) --format docx

xml: setup
	$(DOCGEN) build $(CONTENT) --format akn

html: setup
	$(DOCGEN) build $(CONTENT) --format html

check: setup
	$(DOCGEN) check $(CONTENT)

test: setup $(STAMPS)/system-test
	$(BIN)/pytest -q

# The in-process tests of each stage, under a minute (what is marked slow is left out).
test-fast: setup $(STAMPS)/system-test
	$(BIN)/pytest -q -m "not slow"

bench: setup $(STAMPS)/bench
	$(BIN)/python scripts/bench.py

setup: $(STAMPS)/system $(STAMPS)/venv $(STAMPS)/fonts $(STAMPS)/bytecode

fonts: $(STAMPS)/fonts

$(STAMPS)/system: scripts/system-packages
	scripts/system-packages build
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/system-test: scripts/system-packages
	scripts/system-packages test
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/interpreter: FORCE
	@test -n "$(INTERPRETER)" || { echo "no Python 3.11+ found: make setup PYTHON=/path/to/python3" >&2; exit 1; }
	@mkdir -p $(STAMPS) && (echo "$(INTERPRETER)" | cmp -s - $@ || echo "$(INTERPRETER)" > $@)

# .venv is made again when it was made by another interpreter than the chosen one.
$(STAMPS)/venv: pyproject.toml setup.py src/docgen/_framestack.c $(STAMPS)/interpreter $(STAMPS)/system
	@if test -x $(BIN)/python && test "$$($(BIN)/python -c 'import sys; import os; print(os.path.realpath(sys._base_executable))')" != "$(INTERPRETER)"; then \
	  echo "making .venv again with $(INTERPRETER)"; rm -rf $(VENV); fi
	test -x $(BIN)/python || $(INTERPRETER) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@mkdir -p $(STAMPS) && touch $@

# docgen's bytecode, compiled after every change of its sources: with PYTHONDONTWRITEBYTECODE set, as
# on some machines, every command would otherwise compile docgen's modules again (~0.1 s).
$(STAMPS)/bytecode: $(STAMPS)/venv $(shell find src/docgen -name '*.py')
	$(BIN)/python -m compileall -q src/docgen
	@mkdir -p $(STAMPS) && touch $@

FORCE:

$(STAMPS)/bench: pyproject.toml $(STAMPS)/venv
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/fonts: fonts/MANIFEST.json src/docgen/data/fonts.py $(STAMPS)/system $(STAMPS)/venv
	$(BIN)/python -m docgen.data.fonts install
	@mkdir -p $(STAMPS) && touch $@

clean:
	rm -rf output
