# 井冈传人. `make site` and `make test` work on a fresh Debian machine: they install what
# is missing (virtual environment, Python packages, Chromium, CJK fonts) first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: setup python-deps system-deps node-deps site test check lint serve clean lock bench-packets bench

setup: python-deps system-deps node-deps

python-deps: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

system-deps: $(STAMP)
	@PLAYWRIGHT=$(BIN)/playwright bash scripts/install-system-deps.sh

# Browser code copied into the site (reveal.js), pinned in package-lock.json.
node-deps: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

check: python-deps
	$(BIN)/jinggang check

# `jinggang site` checks, builds, makes every download and the offline zips, reading the
# content once. The pull request workflow prints only the packets and kits a change affects:
#   make site SITE_ARGS="--changed-since <base commit>"
SITE_ARGS ?=

site: setup
	$(BIN)/jinggang site $(SITE_ARGS)

lint: python-deps
	$(BIN)/ruff check scripts tests
	$(BIN)/mypy

# Every test, in two processes (pytest-xdist; the machines have two cores): tests that share a
# module-wide site stay on one worker (xdist_group), the starter site is built once for both.
PYTEST_WORKERS ?= -n 2 --dist loadgroup

test: setup
	$(BIN)/jinggang check
	$(BIN)/ruff check scripts tests
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_WORKERS)

# --dirty: after an edit the plugin makes again only the pages that read what changed
# (website/preview.py); it watches curriculum/ and site_overrides/ as well as docs/.
serve: setup
	$(BIN)/mkdocs serve --dirty

# Refresh the pinned versions after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/jinggang-lock && $(PYTHON) -m venv /tmp/jinggang-lock
	/tmp/jinggang-lock/bin/pip install --quiet ".[test]"
	/tmp/jinggang-lock/bin/pip freeze --exclude jinggang > requirements.lock

clean:
	rm -rf site site.new-* site.old-* .cache node_modules

# Benchmarks print figures; they are not tests.
bench-packets: setup
	$(BIN)/python -m jinggang.bench.packets

# Site build, check and search at 100, 500 and 2,000 synthetic lessons, plus the packet figures;
# prints a table and rewrites docs/benchmarks.md (a few minutes).
bench: setup
	$(BIN)/python -m jinggang.bench.scale
