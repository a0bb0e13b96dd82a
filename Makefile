# The two commands: `make run` (site + worker + beat with demo data) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS ?= redis://127.0.0.1:6379/0
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/bench_throughput
BENCH_SCALE ?= small

.PHONY: run test test-pg test-browser fuzz lint check demo venv clean bench

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

# The whole suite on SQLite; the browser tests (Chromium, live server) run after it in one process, where the
# rows seeded by migrations are restored before each of them (they run when /usr/bin/chromium is installed).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not browser"
	$(BIN)/python -m pytest -p no:xdist -m browser

# The same suite on PostgreSQL + Redis, with real Celery workers for the integration tests.
test-pg: $(STAMP)
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(BIN)/python -m pytest -n 2 --dist loadgroup -m "not browser"

# Schemathesis against the site under gunicorn on PostgreSQL (database fuzz_desk, demo data), as admin and
# as a clerk: every check, fixed seed, >= 2,000 requests; fails on any 5xx or schema violation (.ci/fuzz).
fuzz: $(STAMP)
	FUZZ_PG=$(dir $(PG_URL)) bash .ci/fuzz

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/lint-imports --no-cache

check: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=ci-$$(date +%s)-a-long-random-production-secret-key-0123456789 ALLOWED_HOSTS=desk.example.com \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Every benchmark against a database of its own (created if missing), one table: workload | product |
# reference (same run) | ratio. BENCH_SCALE=small (minutes) or full (1M cards / 10M ledger rows).
bench: $(STAMP)
	DATABASE_URL=$(BENCH_DB) REDIS_URL=$(REDIS) BENCH_SCALE=$(BENCH_SCALE) $(BIN)/python benchmarks/run_all.py

demo: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput && DEBUG=1 $(BIN)/python manage.py load_demo

clean:
	rm -rf $(VENV) var db.sqlite3
