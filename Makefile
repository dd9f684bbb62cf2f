# Portail CRPV — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := tests/browser/node_modules/.installed

.PHONY: demo test install bench clean

demo: $(STAMP)
	$(BIN)/crpv demo

# The demo database is built once (a fresh harvest of the mirror through `crpv demo`), then
# checked by the recall tests, and the portal suites run a second time against it.
DEMO_DB := build/demo.db

test: $(STAMP) $(NPM_STAMP)
	rm -rf build && mkdir -p build
	$(BIN)/crpv demo --no-serve --db $(DEMO_DB)
	CRPV_DEMO_DB=$(DEMO_DB) $(BIN)/pytest
	CRPV_PORTAL_DB=$(DEMO_DB) $(BIN)/pytest tests/portal tests/browser

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# axe-core for the accessibility checks of the browser tests (npm registry).
$(NPM_STAMP): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --silent --no-audit --no-fund --prefix tests/browser && touch $(NPM_STAMP); \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build data/mirror data/mirror-centres.yaml data/demo.db* data/portail.db* data/publish data/logs
