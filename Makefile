# docgen: `make pdf` builds the PDFs, `make test` runs the tests. Both do their own set-up
# (Debian packages, .venv, fonts) once; a second run does no set-up work.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
DOCGEN := $(BIN)/docgen
CONTENT ?= content

.PHONY: all pdf docx xml html test check bench clean setup fonts

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

bench: setup $(STAMPS)/bench
	$(BIN)/python scripts/bench.py

setup: $(STAMPS)/system $(STAMPS)/venv $(STAMPS)/fonts

fonts: $(STAMPS)/fonts

$(STAMPS)/system: scripts/system-packages
	scripts/system-packages build
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/system-test: scripts/system-packages
	scripts/system-packages test
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/bench: pyproject.toml $(STAMPS)/venv
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/fonts: fonts/MANIFEST.json src/docgen/fonts.py $(STAMPS)/system $(STAMPS)/venv
	$(BIN)/python -m docgen.fonts install
	@mkdir -p $(STAMPS) && touch $@

clean:
	rm -rf output
