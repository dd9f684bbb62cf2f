# Portail CRPV — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := tests/browser/node_modules/.installed

.PHONY: demo test install bench clean

demo: $(STAMP)
	$(BIN)/crpv demo

test: $(STAMP) $(NPM_STAMP)
	$(BIN)/pytest

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
	rm -rf $(VENV) data/mirror data/demo.db* data/portail.db* data/publish
