# The commands people run. The README's quick start is `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run visualisations test install install-test test-deps lint typecheck bench clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

run: install  ## install, then run the main job (validate, build, summarise, publish into ./build)
	$(BIN)/dataflows build

visualisations: install  ## publish the map of graph_data into visualisations/ (kept in the repository; a test checks it is current)
	$(BIN)/dataflows build --out visualisations

test: install-test test-deps  ## install what the tests need (Python packages, Chromium, Neo4j) and run the whole suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed  ## create .venv and install dataflows into it

install-test: $(VENV)/.installed-test  ## install dataflows with its test dependencies

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $@

test-deps:  ## Debian's Chromium for browser tests, and the Neo4j server build from Maven Central
	bash tools/test-deps.sh

lint: install-test  ## ruff and mypy, as configured in pyproject.toml
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: install-test test-deps  ## run every benchmark at its default sizes (see benchmarks/README.md)
	$(BIN)/python benchmarks/bench_analyses.py
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_json.py
	$(BIN)/python benchmarks/bench_neo4j_load.py
	$(BIN)/python benchmarks/bench_cypher_analyses.py

clean:  ## remove build output and caches (not .venv)
	rm -rf build .pytest_cache .mypy_cache .ruff_cache test-artifacts
