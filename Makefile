# One command each: `make run` sets up and starts the app; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run app-deps system-deps test lint bench

$(BIN)/journeymap: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/journeymap

run: app-deps setup
	$(BIN)/journeymap app

# Chromium renders chart images for the Export page; the app runs without it (with a message).
app-deps:
	-scripts/install-system-deps --app

system-deps:
	scripts/install-system-deps

# The suite runs once, against DuckDB and against a throwaway PostgreSQL cluster.
test: system-deps setup
	scripts/with-postgres $(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	for bench in benchmarks/bench_*.py; do $(BIN)/python $$bench || exit 1; done
