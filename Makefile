# The two commands a newcomer needs:  make demo  and  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit setup clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Set up and run the whole demo on the embedded default (SQLite, in-process queue, mail capture)
demo: $(STAMP)
	$(BIN)/mailflow demo

## Set up and run every check: lint, types, and the whole test suite (SQLite, PostgreSQL, Redis, Chromium)
test: $(STAMP)
	$(BIN)/ruff check mailflow config scheduler bench tests
	$(BIN)/ruff format --check mailflow config scheduler bench tests
	$(BIN)/mypy mailflow config scheduler bench
	$(BIN)/python -m pytest -q -p no:cacheprovider

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
