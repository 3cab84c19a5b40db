# The project's one Makefile: `make run` for a local site, `make test` for the suite.
# CI (.ci/run) calls these same targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
LOCAL_ENV := DEBUG=1

# Find a Python >= 3.12: $PYTHON if given, then python3.13/3.12/3.14/python3 on PATH,
# then pyenv's installed versions. Prints the path, or fails with a clear message.
define FIND_PYTHON
for c in "$${PYTHON:-}" python3.13 python3.12 python3.14 python3; do \
  [ -n "$$c" ] || continue; \
  p=$$(command -v "$$c" 2>/dev/null) || continue; \
  if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    "$$p" -c 'import sys; print(sys.executable)'; exit 0; \
  fi; \
done; \
if command -v pyenv >/dev/null 2>&1; then \
  for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)?$$' | sort -V -r); do \
    p="$$(pyenv root)/versions/$$v/bin/python3"; \
    [ -x "$$p" ] && { echo "$$p"; exit 0; }; \
  done; \
fi; \
echo "This project needs Python 3.12 or newer (Django 6), and none was found." >&2; \
echo "Install python3.12 or python3.13, or point PYTHON=/path/to/python3.12 at one." >&2; \
exit 1
endef

.PHONY: run test test-repeat lint format check-migrations check clean node-tools ui-gates screenshots audit

$(VENV)/bin/python:
	@python=$$( $(FIND_PYTHON) ); \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput
	$(LOCAL_ENV) $(PY) manage.py createcachetable
	$(LOCAL_ENV) $(PY) manage.py load_demo
	$(LOCAL_ENV) PORT=$(PORT) $(PY) manage.py local_admin
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(LOCAL_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Front-end gate tools (axe-core, Lighthouse 12.8.2, vnu-jar) exactly as package-lock.json pins them.
# Browsers are never downloaded: the gates drive Debian's chromium.
# Without npm the gates skip, saying why (in CI they are mandatory and fail instead).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error \
	  && touch $@; \
	else \
	  echo "npm not found: the front-end gates in tests/ui will be skipped (install Node.js 20+ to run them)."; \
	fi

node-tools: node_modules/.installed

test: $(VENV)/.dev node_modules/.installed
	$(PY) -m pytest

# The whole suite on SQLite and PostgreSQL five times in a row, each in a new random order
# (bench/suite_repeat.sh; RUNS=n for another count). Not run by CI on every change.
test-repeat: $(VENV)/.dev node_modules/.installed
	bench/suite_repeat.sh

# Only the front-end gates and journeys (tests/ui): axe, Nu HTML checker, keyboard, page weight, Lighthouse.
ui-gates: $(VENV)/.dev node_modules/.installed
	$(PY) -m pytest tests/ui -m browser -p no:cacheprovider
	$(PY) -m pytest tests/ui -m "not browser" -p no:cacheprovider

# Retake the README screenshots (docs/screenshots/) with the browser journeys.
screenshots: $(VENV)/.dev
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/ui/test_journeys.py -p no:cacheprovider

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: $(VENV)/.dev
	DJANGO_SETTINGS_MODULE=headache_site.settings_test $(PY) manage.py makemigrations --check --dry-run

check: lint check-migrations

# Known vulnerabilities in the pinned runtime dependencies. --strict fails (never passes) when a
# package cannot be checked; needs PyPI's JSON API to be reachable.
audit: $(VENV)/.runtime
	$(PY) -m pip install --quiet pip-audit==2.10.1
	$(VENV)/bin/pip-audit --strict --requirement requirements.txt

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache staticfiles .test-media .test-db.sqlite3*
