# tracebreak: `make demo` runs the local stack, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3.11
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# uv reads uv.lock, the exact version and hashes of every package (`make lock` writes it); pip installs.
UV := $(BIN)/uv
UV_VERSION := 0.13.10

.PHONY: setup demo test bench lock lint proto docs examples clean

$(UV):
	@command -v $(PYTHON) >/dev/null || { echo "tracebreak needs Python 3.11 ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

# $(call locked,EXTRAS[,VENV]): the lock's packages for tracebreak with those extras, at its versions,
# each checked against its hash, into VENV (.venv by default); `--locked` stops here if pyproject.toml
# changed since `make lock`.
locked = $(UV) export --locked --no-emit-project --quiet $(foreach extra,$(1),--extra $(extra)) \
	  --output-file $(or $(2),$(VENV))/locked.txt \
	&& $(or $(2),$(VENV))/bin/python -m pip install --quiet --require-hashes --no-deps \
	  -r $(or $(2),$(VENV))/locked.txt

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(call locked,demo dev cluster)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# Resolves pyproject.toml's ranges into uv.lock, keeping every version it holds but those asked for:
# make lock LOCK_ARGS='--upgrade-package fastapi' (or --upgrade). Then `make setup` installs them.
lock: | $(UV)
	$(UV) lock $(LOCK_ARGS)

# Only the .venv, e.g. for the tracebreak CLI beside the docker compose stack.
setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/tracebreak up

# checkov, the Kubernetes manifests' policy check, in a venv of its own (its pins clash with ours), at
# uv.lock's versions of the `policy` extra. Where it cannot install, its test skips and says so.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

$(CHECKOV_STAMP): pyproject.toml uv.lock | $(STAMP)
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(call locked,policy,$(CHECKOV_VENV)) && touch $(CHECKOV_STAMP) \
	  || echo "checkov did not install: the policy test will skip"

test: $(STAMP) $(CHECKOV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# Benchmarks print their figures beside the targets as markdown; the last run's go to bench/results/.
BENCHES := generator_accuracy cascade_capacity broker_drift time_to_visible store doctor web
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(call locked,demo dev bench)
	$(BIN)/python -m pip check
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	mkdir -p bench/results
	set -o pipefail; { echo "# tracebreak benchmarks, $$(date -u +%F), $$(nproc) cores"; \
	  for b in $(BENCHES); do echo; echo "## $$b"; echo; $(BIN)/python -m bench.$$b || exit 1; done; \
	} | tee bench/results/latest.md

# The web view's JavaScript is checked by Biome (biome.json), pinned in the npm project the labs'
# query check uses (tests/unit/test_web_script.py runs the same check under `make test`).
NPM_PROJECT := tests/querysyntax
NPM_STAMP := $(NPM_PROJECT)/node_modules/.installed

$(NPM_STAMP): $(NPM_PROJECT)/package-lock.json
	@command -v npm >/dev/null || { echo "the JavaScript check needs node and npm (Debian: apt-get install -y nodejs npm)"; exit 1; }
	cd $(NPM_PROJECT) && npm ci --ignore-scripts --no-audit --no-fund
	touch $(NPM_STAMP)

lint: $(STAMP) $(NPM_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(NPM_PROJECT)/node_modules/.bin/biome ci --colors=off .

# Regenerates the gRPC code from services/service_b/auth.proto (tests fail if it is stale).
proto: $(STAMP)
	$(BIN)/python -m grpc_tools.protoc -I . --python_out=. --pyi_out=. --grpc_python_out=. services/service_b/auth.proto

# Regenerates what is made from a single source: the toggle tables in docs/breaking-traces.md (from the
# catalogue), the rules table and example run in docs/lint.md (from the rules and the services) and
# envoy/envoy.compose.yaml (from the template). Tests fail if any is stale.
docs: $(STAMP)
	$(BIN)/python -m tracebreak.chaos.docs
	$(BIN)/python -m tracebreak.lint.docs
	$(BIN)/python -m tracebreak.local.edge

# Runs the commands README.md, docs/ and docs/labs/ quote on a local stack of its own and writes
# their output into the pages (only those named: make examples PAGES=docs/labs/10-3am-incident.md);
# tests/e2e/test_examples.py fails when a quoted output drifts.
examples: $(STAMP)
	$(BIN)/python -m tracebreak.cli.examples $(PAGES)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .ruff_cache *.egg-info
