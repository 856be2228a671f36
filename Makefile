# The two commands a newcomer needs:  make demo  and  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest-xdist workers: most slow tests wait on subprocesses, SMTP and the browser, so a
# 2-core machine runs 4 well
TEST_WORKERS ?= 4

.PHONY: demo test lint typecheck unit setup clean messages install

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Production install into PREFIX (a virtualenv of its own, default /opt/mailflow): the
## package and its run-time dependencies only, no test or lint tools; then `mailflow check`
PREFIX ?= /opt/mailflow
install:
	$(PY) -m venv $(PREFIX)
	$(PREFIX)/bin/pip install --quiet --upgrade pip
	$(PREFIX)/bin/pip install --quiet .
	@echo "installed: $(PREFIX)/bin/mailflow (next: mailflow db upgrade, mailflow setup, mailflow check)"

## Set up and run the whole demo on the embedded default (SQLite, in-process queue, mail capture)
demo: $(STAMP)
	$(BIN)/mailflow demo

## Set up and run every check: lint, types, and the whole test suite (SQLite, PostgreSQL, Redis, Chromium)
test: $(STAMP)
	$(BIN)/ruff check mailflow bench tests
	$(BIN)/ruff format --check mailflow bench tests
	$(BIN)/mypy mailflow bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

## Extract every _("…") and N_("…") of templates and code into messages.pot and merge it into
## every language's catalog (i18n.LANGUAGES; a new language's catalog is created)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ --no-location --project=mailflow --version=0.1 -o mailflow/translations/messages.pot .
	for lang in $$($(BIN)/python -c 'from mailflow.i18n import LANGUAGES; print(*LANGUAGES[1:])'); do \
		if [ -f mailflow/translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i mailflow/translations/messages.pot -d mailflow/translations -l $$lang --no-fuzzy-matching --ignore-obsolete || exit 1; \
		else \
			$(BIN)/pybabel init -i mailflow/translations/messages.pot -d mailflow/translations -l $$lang || exit 1; \
		fi; \
	done
