# Trajectoires ESS — the two everyday commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SEED := proposals/seeds/atelier-regional.txt
# Development only: `make run` serves in debug mode with a throwaway key.
DEV_ENV := DJANGO_DEBUG=1
# The tests start hundreds of Python processes (servers, commands): each reads the
# project's compiled modules rather than compiling them again, even where the machine
# turns off writing them (PYTHONDONTWRITEBYTECODE).
TEST_ENV := DJANGO_SECRET_KEY=tests-only-not-secret DJANGO_BENCHMARKS=1 PYTHONDONTWRITEBYTECODE=
# The browser tests run in a pytest process of their own (their live servers and their
# settings stay apart), one test at a time, beside the rest of the suite, which runs on
# one worker per core (pytest-xdist): a test waiting for its browser or its servers
# leaves the core to another. One browser worker rather than two: on two cores, a
# second Chromium cost more in contention than it gained (make test from a fresh
# clone, same hour: 254–266 s with two, 218–255 s with one).
# They live in tests/e2e, which alone their processes collect.
PYTEST_ARGS ?=
TEST_WORKERS ?= auto
BROWSER_WORKERS ?= 1
TRANSLATIONS := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

TIER ?= small
BENCH_ENV := DJANGO_SECRET_KEY=bench-only-not-secret DJANGO_BENCHMARKS=1

GUNICORN_WORKERS ?= 4

.PHONY: install lock run serve test test-suite test-browser lint style types migrations-checked format migrate messages translations seed-bench bench audit clean \
	screenshots

# Every package, transitive ones included, is pinned with its hashes (make lock): pip
# refuses anything else, so a tampered or substituted file never installs.
# pip compiles what it installs one file at a time; compileall does it on every core
# (the install of a fresh clone: 23 s → 16 s). Every module comes compiled: a Django
# start reads them rather than compiling them again.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps --no-compile \
		-r requirements-dev.txt
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	touch $@

install: $(VENV)/.installed

# Rewrite the locked files from requirements*.in (needs the package index).
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: install
	$(LOCK) --output-file=requirements.txt requirements.in
	$(LOCK) --output-file=requirements-dev.txt requirements-dev.in

# Compiled with Babel, so that a machine without GNU gettext can build them.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -D django -d locale -l $*

translations: $(TRANSLATIONS)

# Extract new strings into the .po files (needs GNU gettext's xgettext).
messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l en -l fr --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=staticfiles
	$(BIN)/python locale/french_plurals.py

migrate: install translations
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

run: migrate
	$(DEV_ENV) $(BIN)/python manage.py import_workshop $(SEED) --if-no-consultation
	$(DEV_ENV) $(BIN)/python manage.py build_synthesis --all --regions
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production-like: gunicorn + whitenoise; DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS come from the environment (docs/deploy.md).
serve: install translations
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn consultation.wsgi --workers $(GUNICORN_WORKERS) --bind 127.0.0.1:8000 \
		--max-requests 2000 --max-requests-jitter 200 --graceful-timeout 30

style: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# Types: mypy with Django's stubs, strict on the rules, the services, the selectors
# and the results (pyproject.toml).
types: install
	$(TEST_ENV) $(BIN)/mypy

lint: style types

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The type check and the migration check run beside the tests, which do not wait.
test: style translations
	$(MAKE) --no-print-directory --output-sync=target -j4 test-suite test-browser types \
		migrations-checked

# Every change to the models has its migration.
migrations-checked: install
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

test-suite: install translations
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

test-browser: install translations
	$(TEST_ENV) $(BIN)/pytest tests/e2e -n $(BROWSER_WORKERS) --dist worksteal -m browser \
		$(PYTEST_ARGS)

# Benchmarks (docs/performance.md): set DATABASE_URL (and REDIS_URL) first.
seed-bench: install translations
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput
	$(BENCH_ENV) $(BIN)/python manage.py seed_bench --tier $(TIER)

bench: install translations
	$(BENCH_ENV) $(BIN)/python manage.py bench

# PNGs of every page at 375 and 1366 px, in screenshots/seed and screenshots/small: the
# seed consultation, then the small benchmark tier, each in its own SQLite file
# (needs Chromium: apt-get install chromium).
SHOTS := screenshots
screenshots: install translations
	rm -rf $(SHOTS) && mkdir -p $(SHOTS)
	set -e; for tier in seed small; do \
		export DATABASE_URL=sqlite:///$(CURDIR)/$(SHOTS)/$$tier.sqlite3 \
			DJANGO_MEDIA_ROOT=$(CURDIR)/$(SHOTS)/media-$$tier; \
		$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0; \
		$(BENCH_ENV) $(BIN)/python manage.py import_workshop $(SEED); \
		if [ $$tier = small ]; then $(BENCH_ENV) $(BIN)/python manage.py seed_bench --tier small; fi; \
		$(BENCH_ENV) $(BIN)/python manage.py build_synthesis --all; \
		$(BENCH_ENV) $(BIN)/python manage.py screenshots --out $(SHOTS)/$$tier; \
	done

# Known vulnerabilities of the locked packages (needs PyPI's JSON API or OSV: a hosted
# CI runs it on a schedule, .github/workflows/audit.yml).
audit: install
	$(BIN)/pip-audit --strict --progress-spinner off --require-hashes \
		--requirement requirements-dev.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache $(SHOTS)
