# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make run    serve ogstore with the demo (SQLite, demo payments, demo shop and blog)
#   make test   run the whole test suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
# The app reads its own demo shop through the safe fetcher: admit loopback explicitly.
FETCH_ALLOW ?= 127.0.0.1,localhost

.PHONY: run test bench lint install install-dev browser unfurlers

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; try: make PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

run: install
	export OGSTORE_FETCH_ALLOW=$(FETCH_ALLOW); \
	$(BIN)/ogstore db upgrade && \
	echo "ogstore is starting on http://$(HOST):$(PORT) — open:" && \
	$(BIN)/ogstore demo seed --base-url http://$(HOST):$(PORT) && \
	exec $(BIN)/ogstore run --host $(HOST) --port $(PORT)

# The npm packages tests use: unfurlers the card tests run with Node (open-graph-scraper,
# metascraper), and axe-core, which the accessibility test loads into Chromium.
unfurlers:
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: the unfurler tests will skip (CI fails them)"; exit 0; }; \
	cd tests/unfurlers && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; }

test: install-dev browser unfurlers
	$(BIN)/pytest

bench: install-dev
	$(BIN)/python bench/extraction_quality.py
	$(BIN)/python bench/extraction_speed.py
	$(BIN)/python bench/widget_weight.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
