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

# The demo's database is the phrase bank of bench/scale.py (the relays benchmark's 20k archive).
bench: $(STAMP) | $(DEMO_DB)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build data/mirror data/mirror-centres.yaml data/demo.db* data/portail.db* data/publish data/logs

# --- The portal at scale and under abuse (on demand; never part of `make test`) -------------
# Synthetic databases (bench/scale.py, phrase bank read from the demo's harvest) live under
# BENCH_DIR, outside the repository, and are built once then reused.
BENCH_DIR ?= /tmp/crpv-bench

.PHONY: bench-scale reliability

$(DEMO_DB): | $(STAMP)
	mkdir -p build
	$(BIN)/crpv demo --no-serve --db $(DEMO_DB)

$(BENCH_DIR)/20k/scale.db: | $(STAMP) $(DEMO_DB)
	mkdir -p $(BENCH_DIR)/20k
	$(BIN)/python bench/scale.py --items 20k --out $@

$(BENCH_DIR)/1m/scale.db: | $(STAMP) $(DEMO_DB)
	mkdir -p $(BENCH_DIR)/1m
	$(BIN)/python bench/scale.py --items 1m --out $@

# crpv serve against plain datasette at 20k and 1M items; rewrites bench/RESULTS.md.
# About 1 h on 2 cores the first time (1M database: ~4 min, first publication: ~1 min, then
# plain Datasette's pages at 1M take seconds each); ~50 min once the databases exist.
bench-scale: $(BENCH_DIR)/20k/scale.db $(BENCH_DIR)/1m/scale.db
	@command -v wrk >/dev/null || echo "wrk not found (apt-get install -y wrk): no throughput figures"
	$(BIN)/python bench/portal.py --db $(BENCH_DIR)/20k/scale.db --label 20k
	$(BIN)/python bench/portal.py --db $(BENCH_DIR)/1m/scale.db --label 1M

# Relay clustering timed on synthetic databases of 20k, 200k and 1M items (built once under
# BENCH_DIR): a full rebuild, then 1 % of the items changed; each size's section of
# bench/RESULTS.md. Rebuild CPU per item on 2026-12-05: 0.6 ms at 20k, 0.9 ms at 200k, 2.0 ms
# at 1M (35 minutes for the 1M rebuild).
.PHONY: bench-relays
bench-relays: $(STAMP) | $(DEMO_DB)
	$(BIN)/python bench/quality_relays.py --build 20k,200k,1m --workdir $(BENCH_DIR)

# docs/reliability.md whole: the portal under abuse (bench/abuse.py, its portail/ rows) at 20k
# items, or RELIABILITY_SCALE=1m, then the harvester under faults (`make faults`, its crawler/
# rows). About 25 min at 20k; exit 1 if a row FAILs.
RELIABILITY_SCALE ?= 20k
reliability: $(BENCH_DIR)/$(RELIABILITY_SCALE)/scale.db
	@status=0; $(BIN)/python bench/abuse.py --db $(BENCH_DIR)/$(RELIABILITY_SCALE)/scale.db \
		--label $(RELIABILITY_SCALE) || status=1; \
	$(MAKE) --no-print-directory faults || status=1; exit $$status

# --- The harvester under faults -------------------------------------------------------------
# bench/faults.py: a healthy site harvested beside each hostile site of tests/hostile (and
# beside all of them at once), lowered settings, every harvest killed past its time cap or
# 1.5 GB; bench/kill_trials.py: SIGKILLs at seeded moments of first and incremental harvests
# (FAULT_KILLS of each), each followed by a normal harvest. Both rewrite their crawler/ rows
# of docs/reliability.md (the portail/ rows stay); exit 1 if a row FAILs.
# `make faults`: everything, 24 kills, about 20 min on 2 cores.
# `make faults-ci` (.ci/run, after `make test`, which harvested beside the fast scenarios):
# the other scenarios, their rows rewritten, and 4 kills checked; about 8 min.
FAULT_KILLS ?= 12
.PHONY: faults faults-ci
faults: $(STAMP)
	@status=0; $(BIN)/python bench/faults.py || status=1; \
	$(BIN)/python bench/kill_trials.py --first $(FAULT_KILLS) --incremental $(FAULT_KILLS) || status=1; \
	exit $$status

faults-ci: $(STAMP)
	@status=0; $(BIN)/python bench/faults.py --skip-fast --no-together || status=1; \
	$(BIN)/python bench/kill_trials.py --first 2 --incremental 2 --no-write || status=1; \
	exit $$status
