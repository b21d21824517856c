# Lightkeeper: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo
DEMO_ADS ?= 20000

.PHONY: install browser demo test lint typecheck pytest bench lock clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,dask]'
	@touch $(STAMP)

demo: install
	$(BIN)/lightkeeper synth --ads $(DEMO_ADS) --seed 7 --out $(DEMO_DIR)/ads.jsonl
	$(BIN)/lightkeeper analyze $(DEMO_DIR)/ads.jsonl --out $(DEMO_DIR)/out

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

# Debian's chromium for the real-browser tests of the HTML report (installed when missing).
browser:
	@bash scripts/ensure-chromium.sh

pytest: install browser
	$(BIN)/pytest -n 2 -q

test: lint typecheck pytest

bench: install
	$(BIN)/python -m benchmarks.run

# Re-resolve the lock file from pyproject.toml (needs the package registry).
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .pytest_cache .ruff_cache
