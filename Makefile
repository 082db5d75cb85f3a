# Two commands do all set-up: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
MATCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck_match
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the requirement files change; the stamps live in the venv, so removing it resets them.
$(VENV)/.deps-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.deps-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.deps-run
install-dev: $(VENV)/.deps-dev

run: $(VENV)/.deps-run
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	@case "$$DATABASE_URL" in postgres*) DEBUG=$${DEBUG:-1} $(BIN)/python manage.py setup_db_roles \
	  || echo "Database roles not set up (that needs a superuser); see README, Audit trail.";; esac
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	@echo "Serving http://127.0.0.1:8000 (Ctrl-C stops it)"
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite on PostgreSQL, browser tests included.
test: $(VENV)/.deps-dev
	@test -x $(CHROMIUM) || { echo "Chromium is missing at $(CHROMIUM): apt-get install -y chromium (as .ci/run does)"; exit 1; }
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=sqlite:///:memory: DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	@# Plain HTTP in tests: the test client and live_server speak no TLS (production settings are checked in a subprocess).
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} SECRET_KEY=$${SECRET_KEY:-test-only-secret-key} HTTPS=0 $(BIN)/pytest

lint: $(VENV)/.deps-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# On PostgreSQL: reader page speed (300 claims with reviews, server time and query count), then what the
# audit trail costs (a verdict save with and without its event; verification rate on 100,000 events).
# Everything those two create is rolled back; the database only needs to exist and be migrated.
# Then claim assistance on synthetic articles: detector speed on one core (2,000 articles, no database), and
# matching new articles against 100,000 claims. benchmark_match keeps its claims in the team "benchmark-match"
# for reruns (--fresh rebuilds them) and refuses a database holding articles of other teams (--force).
bench: $(VENV)/.deps-dev
	@if [ -z "$$DATABASE_URL" ]; then createdb -h 127.0.0.1 -U postgres factcheck 2>/dev/null || true; fi
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(BIN)/python manage.py benchmark_reader
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(BIN)/python manage.py benchmark_audit
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(BIN)/python manage.py benchmark_detect
	@# Matching keeps its 100,000 claims for reruns, so it gets a database of its own.
	@if [ -z "$$MATCH_DATABASE_URL" ]; then createdb -h 127.0.0.1 -U postgres factcheck_match 2>/dev/null || true; fi
	DATABASE_URL=$${MATCH_DATABASE_URL:-$(MATCH_DATABASE_URL)} DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$${MATCH_DATABASE_URL:-$(MATCH_DATABASE_URL)} DEBUG=1 $(BIN)/python manage.py benchmark_match

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
