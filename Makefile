# Everything runs from the repository root with the tools `make setup` installs into .venv
# (Python), tools/mock/node_modules (the Prism mock server, for recording and the demo) and
# tools/typing/node_modules (pyright, for make check).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest
BASE ?= $(shell git merge-base HEAD main 2>/dev/null || echo HEAD)

.PHONY: help setup generate check dist docs test test-replay test-live record demo diff evidence bench test-all clean \
	real-server real-server-stop test-real record-real

help: ## list the targets and what each does
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## create .venv with the package (editable) and the dev tools; install the mock server
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "make setup needs Python 3.11+ for the generator (PYTHON=$(PYTHON)); the package itself runs on 3.10+"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e . --group dev
	npm ci --prefix tools/mock --no-audit --no-fund --loglevel=error
	npm ci --prefix tools/bench --no-audit --no-fund --loglevel=error
	npm ci --prefix tools/typing --no-audit --no-fund --loglevel=error

generate: ## regenerate generated/ and the generated docs (reference pages, credential matrix, server versions) from openapi/ + templates/
	$(PY) codegen.py generate

check: ## spec valid, generated/ up to date, import layers, lint, types (and the typing suite under mypy and pyright)
	$(PY) -m openapi_spec_validator openapi/trigger.yaml
	$(PY) codegen.py check
	$(VENV)/bin/lint-imports --no-cache  # the runtime's layers and no import cycle ([tool.importlinter] in pyproject.toml)
	$(PY) tools/upstream_evidence.py check
	$(PY) -m ruff check codegen.py generator tools tests examples noxfile.py templates/runtime generated
	$(PY) -m ruff format --check codegen.py generator tools tests examples noxfile.py templates/runtime
	$(PY) tools/typecheck_runtime.py
	$(PY) -m mypy --python-version 3.11 --explicit-package-bases tests
	$(PY) -m mypy --strict --python-version 3.11 --explicit-package-bases codegen.py generator tools/spec_diff.py tools/bench/bench.py tools/bench/bulk.py tools/bench/sessions.py tools/bench/trace_memory.py \
		tools/zod_reader.py tools/upstream_evidence.py tools/upstream_fixtures.py tools/upstream_model.py tools/upstream_routes.py tools/check_dist.py tools/project_urls.py tools/release_notes.py tools/typecheck_runtime.py tools/docs_generics.py
	$(PY) -m mypy --strict --python-version 3.11 --explicit-package-bases tests/typecheck
	tools/typing/node_modules/.bin/pyright --project tests/typecheck

dist: ## build the sdist and wheel, check them (twine), and install the wheel on the oldest and newest Python
	rm -rf dist
	$(PY) -m build --outdir dist
	$(PY) -m twine check --strict dist/*
	$(PY) tools/check_dist.py dist

docs: ## build the documentation site strictly into site/ (a broken link or undocumented name fails), then open it in headless Chromium
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict
	$(PYTEST) -q -p no:cacheprovider tests/test_docs_site.py

test: test-replay ## the suite offline from cassettes; in CI also once live against the mock
ifdef CI
	$(MAKE) test-live
endif

test-replay:
	$(PYTEST) --record-mode=none

test-live: ## the cassette tests against a running Prism mock instead of the cassettes
	$(PYTEST) --live --disable-recording -m vcr

record: ## record the missing cassettes against the Prism mock; K="<-k expression>" re-records those tests, ALL=1 every one
	$(PYTEST) --live -m vcr $(if $(ALL),--record-mode=rewrite,$(if $(K),--record-mode=rewrite -k "$(K)",--record-mode=once))

demo: ## run examples/quickstart.py against the local mock
	$(PY) tests/support/mock_server.py -- $(PY) examples/quickstart.py

evidence: ## re-read the official SDK's response schemas: make evidence UPSTREAM=<trigger.dev git repo> TAGS="<tags>"
	@test -n "$(UPSTREAM)" || { echo "UPSTREAM=<path to a trigger.dev git repository> is needed"; exit 1; }
	for tag in $(or $(TAGS),trigger.dev@4.0.0 trigger.dev@4.0.1 trigger.dev@4.3.1 v4.4.2 v4.4.4 v4.4.5 v4.5.0 v4.5.12); do \
		$(PY) tools/upstream_evidence.py extract --upstream $(UPSTREAM) --tag $$tag || exit 1; done
	$(PY) tools/upstream_evidence.py routes --upstream $(UPSTREAM)
	$(PY) tools/upstream_evidence.py fixtures
	$(PY) tools/upstream_evidence.py check

diff: ## what the spec change since BASE (default: merge base with main) does to the wire and to Python users
	$(PY) tools/spec_diff.py --base $(BASE) $(DIFF_ARGS)

bench: ## client overhead, pagination, import time and memory against raw urllib3; bulk work; 100,000 session parts; a 100,000-event trace's memory (prints figures)
	$(PY) tools/bench/bench.py
	$(PY) tools/bench/bulk.py
	$(PY) tools/bench/sessions.py
	$(PY) tools/bench/trace_memory.py

test-all: ## the suite on every CPython 3.10-3.13 on this machine
	$(PY) -m nox

clean:
	rm -rf $(VENV) .nox .pytest_cache .mypy_cache .ruff_cache tools/mock/node_modules tools/typing/node_modules

# --- the real Trigger.dev webapp, built from its source (opt-in; never in CI): docs/real-server.md
REAL_CREDENTIALS := .real-server/credentials.json
# tests/test_operations.py and tests/test_examples.py assert the mock's example ids and values:
# `make test-real REAL_TESTS="tests/test_operations.py tests/test_examples.py"` shows what that gives.
REAL_TESTS ?= tests/test_real_server.py

real-server: ## build (once) and start the real webapp on loopback: make real-server UPSTREAM=<trigger.dev git dir or URL> [TAG=v4.5.12]
	$(PYTHON) tools/real_server/lane.py start $(if $(UPSTREAM),--upstream $(UPSTREAM)) $(if $(TAG),--tag $(TAG))

real-server-stop: ## stop exactly the services make real-server started
	$(PYTHON) tools/real_server/lane.py stop

test-real: ## the cassette tests against the running real server (make real-server first); records nothing
	@test -f $(REAL_CREDENTIALS) || { echo "no $(REAL_CREDENTIALS): run make real-server UPSTREAM=... first"; exit 1; }
	TRIGGER_REAL_SERVER=$(REAL_CREDENTIALS) $(PYTEST) --disable-recording -m vcr -p no:cacheprovider $(REAL_TESTS) $(PYTEST_ARGS)

record-real: ## re-record tests/cassettes/real/ against the running real server (secrets filtered)
	@test -f $(REAL_CREDENTIALS) || { echo "no $(REAL_CREDENTIALS): run make real-server UPSTREAM=... first"; exit 1; }
	TRIGGER_REAL_SERVER=$(REAL_CREDENTIALS) $(PYTEST) --record-mode=rewrite -m vcr -p no:cacheprovider tests/test_real_server.py $(PYTEST_ARGS)
	$(PYTEST) --record-mode=none tests/test_real_server.py tests/test_cassettes.py
