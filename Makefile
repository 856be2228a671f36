# The two commands a newcomer needs:  make demo  and  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit setup clean messages

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
	$(BIN)/ruff check mailflow bench tests
	$(BIN)/ruff format --check mailflow bench tests
	$(BIN)/mypy mailflow bench
	$(BIN)/python -m pytest -q -p no:cacheprovider

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

## Extract every _("…") of templates and code into messages.pot and merge it into the German catalog
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location -o mailflow/translations/messages.pot .
	$(BIN)/pybabel update -i mailflow/translations/messages.pot -d mailflow/translations -l de --no-fuzzy-matching --ignore-obsolete
