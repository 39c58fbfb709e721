# Stackline's habits: one command each. `make install` first (a virtualenv in .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install lint format test-unit test-quick test-fast test test-explore bench serve

install:  ## a virtualenv with Stackline and every tool of the trade (the `dev` extra)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"

lint:  ## ruff (lint and format), mypy strict, the import contracts
	$(BIN)/ruff check src tests migrations
	$(BIN)/ruff format --check src tests migrations
	$(BIN)/mypy
	$(BIN)/lint-imports

format:  ## rewrite what `lint` would complain about
	$(BIN)/ruff format src tests migrations
	$(BIN)/ruff check --fix src tests migrations

test-unit:  ## the domain alone (no database, no Flask): seconds
	$(BIN)/pytest tests/unit -q

test-quick:  ## the inner loop: unit, SQLite integration and web, two processes, few examples (under a minute)
	STACKLINE_SCHEMATHESIS_EXAMPLES=5 $(BIN)/pytest -m "not slow and not postgres" -n 2 -q --hypothesis-profile=quick

test-fast:  ## unit, integration (SQLite and PostgreSQL) and web suites, no servers or browsers (a few minutes)
	$(BIN)/pytest -m "not slow" -n 2 -q

test:  ## everything, as CI runs it (the README's test command)
	$(BIN)/pytest

test-explore:  ## property tests and schemathesis drawing fresh examples, many of them (long)
	STACKLINE_SCHEMATHESIS_EXPLORE=1 $(BIN)/pytest -m "not slow" --hypothesis-profile=explore

bench:  ## the §7 benchmark: each figure beside its floor (about 20 minutes; not part of `test`)
	$(BIN)/python -m tests.benchmarks.run

serve:  ## Stackline on http://127.0.0.1:5000 with the seed timeline
	$(BIN)/stackline serve
