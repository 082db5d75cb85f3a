# Two commands do all set-up: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint bench install install-dev chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the requirement files change.
.deps-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

.deps-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: .deps-run
install-dev: .deps-dev

run: .deps-run
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	@echo "Serving http://127.0.0.1:8000 (Ctrl-C stops it)"
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite on PostgreSQL, browser tests included.
test: .deps-dev
	@test -x $(CHROMIUM) || { echo "Chromium is missing at $(CHROMIUM): apt-get install -y chromium (as .ci/run does)"; exit 1; }
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=sqlite:///:memory: DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} SECRET_KEY=$${SECRET_KEY:-test-only-secret-key} $(BIN)/pytest

lint: .deps-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Reader page speed on PostgreSQL: 300 claims with reviews, server time and query count.
bench: .deps-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(BIN)/python manage.py benchmark_reader

clean:
	rm -rf $(VENV) .deps-run .deps-dev db.sqlite3 staticfiles .pytest_cache .ruff_cache
