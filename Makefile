# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
HOST ?= 127.0.0.1
PORT ?= 8000

# The embedded defaults (SQLite, in-memory channel layer, immediate tasks) with a
# development secret; nothing here is meant for production.
# HOST and PORT reach every step: links in the e-mails it prints follow them.
RUN_ENV := DEBUG=true HOST=$(HOST) PORT=$(PORT)
# The test suite decides itself whether PostgreSQL and Redis are there (config/test_settings.py).
TEST_ENV := DJANGO_SETTINGS_MODULE=config.test_settings

.PHONY: run reset-demo test lint format messages lock worker clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { scripts/find-python; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(PIP) -e ".[test]"
	@touch $@

run: $(VENV)/.installed-run
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) seed_demo
	$(RUN_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	$(RUN_ENV) scripts/run-demo

# Back to a fresh demo: the embedded SQLite database and the demo's uploads are dropped,
# then built and seeded again (a database named by DATABASE_URL is never touched here).
reset-demo: $(VENV)/.installed-run
	@test -z "$$DATABASE_URL" || { echo "reset-demo resets only the embedded demo database; unset DATABASE_URL"; exit 1; }
	rm -rf linli.sqlite3 media private-media
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) seed_demo

worker: $(VENV)/.installed-run
	$(BIN)/python manage.py db_worker

# Tests never see the real clock (tests/clock.py): the whole suite runs on an afternoon, and
# everything but the browser journeys again a minute before the end of a month.
TEST_AFTERNOON := 2026-11-18T15:00:00+08:00
TEST_MONTH_END := 2027-02-28T23:59:00+08:00

test: $(VENV)/.installed-test
	@scripts/ensure-chromium
	$(MAKE) --no-print-directory lint
	$(TEST_ENV) LINLI_TEST_NOW=$(TEST_AFTERNOON) $(BIN)/pytest $(PYTEST_ARGS)
	$(TEST_ENV) LINLI_TEST_NOW=$(TEST_MONTH_END) $(BIN)/pytest -q --ignore=tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(MANAGE) check
	@# Migrations are compared with the models alone; no database needed.
	DEBUG=true DATABASE_URL=sqlite://:memory: $(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(VENV)/.installed-run
	$(RUN_ENV) $(MANAGE) makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=bench --ignore=tests
	$(RUN_ENV) $(MANAGE) makemessages -d djangojs -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	$(RUN_ENV) $(MANAGE) compilemessages --ignore=.venv

# Re-pin every transitive dependency after changing pyproject.toml.
lock: $(BIN)/python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e ".[test]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) staticfiles linli.sqlite3 test-output
