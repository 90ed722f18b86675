# Two commands matter: `make run` and `make test`. Both work with only python3 and make.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
VERSION ?= $(shell ls releases 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$$' | sort -V | tail -1)
PORT ?= 8001

.PHONY: help setup browser run test lint fmt validate schemas release serve bench clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*##/\t/'

$(UV):
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --all-extras --python $(PY)
	@touch $@

setup: $(VENV)/.synced  ## create .venv from the lock file (uv.lock)

browser:  ## install Debian's chromium for the browser tests when missing (needs root + apt)
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will skip"; \
	  else echo "warning: chromium missing and cannot apt-get install it; browser tests will skip"; fi; }

validate: setup  ## check every curated record
	$(BIN)/vzcrisis validate

schemas: setup  ## regenerate the files derived from the models: JSON Schemas (and schema/registry.json), the SDK's columns.py and literals.py
	$(BIN)/vzcrisis schemas

lint: setup  ## ruff + mypy --strict on the SDK
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy sdk/venezuela_crisis

fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup browser lint  ## set up and run the whole test suite
	$(BIN)/pytest

run: setup  ## validate, build the release if missing, print an SDK example, serve in Datasette
	$(BIN)/vzcrisis validate
	$(BIN)/vzcrisis run --port $(PORT)

bench: setup  ## benchmarks against raw DuckDB / pyarrow (writes benchmarks/results.json)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache dist
