# tracebreak: `make demo` runs the local stack, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint proto clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "tracebreak needs Python 3.11 ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip check
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tracebreak up

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# Benchmarks print their figures beside the targets; the results of the last run go to bench/results/.
bench: $(STAMP)
	mkdir -p bench/results
	{ echo "# tracebreak benchmarks, $$(date -u +%F), $$(nproc) cores"; \
	  for b in bench/*.py; do echo; echo "## $$b"; echo '```'; $(BIN)/python $$b || exit 1; echo '```'; done; \
	} | tee bench/results/latest.md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerates the gRPC code from services/service_b/auth.proto (tests fail if it is stale).
proto: $(STAMP)
	$(BIN)/python -m grpc_tools.protoc -I . --python_out=. --pyi_out=. --grpc_python_out=. services/service_b/auth.proto

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
