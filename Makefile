# The two commands the README shows: `make demo` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml paybridge_service/pyproject.toml | cksum | cut -d' ' -f1)
export MELTANO_VENV_BACKEND := uv

.PHONY: env system-deps demo test lint lock bench clean

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml paybridge_service/pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or make PYTHON=python3)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check "uv==0.13.9"
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e . -e ./paybridge_service
	rm -f $(VENV)/.installed-*; touch $@

demo: env
	$(BIN)/python -m sandbox.demo

system-deps:
	bash scripts/system-deps.sh

test: env system-deps
	$(BIN)/python -m pytest -n 2 -q -p no:cacheprovider

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

lock:
	$(BIN)/uv pip compile pyproject.toml paybridge_service/pyproject.toml --extra dev --extra odbc --python-version 3.11 -o requirements.lock

bench: env
	$(BIN)/python bench/tap_throughput.py
	$(BIN)/python bench/odoo_to_medusa.py
	$(BIN)/python bench/odoo_to_linkit.py
	$(BIN)/python bench/medusa_to_odoo.py

clean:
	rm -rf $(VENV) .meltano output
