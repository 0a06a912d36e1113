# Two commands on a fresh machine with Python 3.11+ and make: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint types bench-engine schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Set up, migrate the embedded SQLite database, load the demo once, serve on :8000.
run: $(STAMP)
	$(BIN)/gateway db upgrade
	$(BIN)/gateway seed demo --if-empty
	$(BIN)/gateway serve --host 127.0.0.1 --port 8000

## Set up, lint, type-check and run the whole suite (SQLite always; PostgreSQL when
## reachable, mandatory in CI).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

bench-engine: $(STAMP)
	$(BIN)/python bench/engine.py

schema: $(STAMP)
	$(BIN)/gateway export-schema > schema.graphql

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
