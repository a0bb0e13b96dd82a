# The two commands: `make run` (site + worker + beat with demo data) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS ?= redis://127.0.0.1:6379/0

.PHONY: run test test-pg test-browser lint check demo venv clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# Sets up and runs the desk at http://127.0.0.1:8000/ with demo data; Ctrl-C stops web, worker and beat.
run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile.dev start

# The whole suite on SQLite (the browser test runs when /usr/bin/chromium is installed).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# The same suite on PostgreSQL + Redis, with real Celery workers for the integration tests.
test-pg: $(STAMP)
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(BIN)/python -m pytest -n 2 --dist loadgroup -m "not browser"

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/lint-imports --no-cache

check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=ci-$$(date +%s)-a-long-random-production-secret-key-0123456789 ALLOWED_HOSTS=desk.example.com \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

demo: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput && DEBUG=1 $(BIN)/python manage.py load_demo

clean:
	rm -rf $(VENV) var db.sqlite3
