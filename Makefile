# Two commands on a fresh machine with Python 3.11+ and make: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint types bench-engine schema lock vendor clean

# Installs exactly the versions pinned in requirements.lock, then the project itself.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Set up, migrate the embedded SQLite database, load the demo once, serve on
## $(HOST):$(PORT) (make run PORT=8080 HOST=0.0.0.0), then print the URLs and the demo
## identities. Links (documents, verification) follow GATEWAY_PUBLIC_URL, by default
## http://$(HOST):$(PORT); set it when clients reach the server under another address.
HOST ?= 127.0.0.1
PORT ?= 8000
GATEWAY_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/gateway db upgrade
	$(BIN)/gateway seed demo --if-empty
	GATEWAY_PUBLIC_URL="$(GATEWAY_PUBLIC_URL)" $(BIN)/gateway serve --host "$(HOST)" --port "$(PORT)" --welcome

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

## Refresh the vendored front-end files from their pinned npm packages (needs npm).
vendor:
	$(PYTHON) tools/vendor_assets.py

## Re-resolve every dependency (after editing pyproject.toml) into requirements.lock.
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "pip-tools>=7.4"
	$(BIN)/pip-compile --quiet --upgrade --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
