#!/usr/bin/env bash
# Installs everything Border Gaps needs to test, benchmark and build, on a fresh
# Debian 12 (QGIS 3.22) or 13 (QGIS 3.40) machine, as root. Idempotent and quick when
# everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(qgis python3-qgis qgis-providers python3-fiona python3-rasterio python3-scipy
  python3-skimage python3-gdal gdal-bin python3-venv xvfb xauth poppler-utils
  postgresql postgresql-postgis postgis qttools5-dev-tools python3-pypdf python3-lxml)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "deps: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

VENV=.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import qgis.core" 2>/dev/null; then
  rm -rf "$VENV"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi

# Debian's rasterio and scipy are built against Debian's numpy: pin it so no tool
# pulls numpy 2 into the venv.
numpy_version=$(/usr/bin/python3 -c "import numpy; print(numpy.__version__)")
constraints=build/constraints.txt
mkdir -p build
echo "numpy==$numpy_version" > "$constraints"

# pytest-qgis 3+ needs QGIS >= 3.34; 2.1.0 works from QGIS 3.16 on.
qgis_int=$(/usr/bin/python3 -c "from qgis.core import Qgis; print(Qgis.QGIS_VERSION_INT)" 2>/dev/null)
if [ "$qgis_int" -ge 33400 ]; then pytest_qgis="pytest-qgis>=2.1"; else pytest_qgis="pytest-qgis==2.1.0"; fi

# PyQt6: tests/test_ui_qt6.py loads the .ui files with PyQt6's uic (QGIS 4) in a child process;
# it sits beside Debian's PyQt5 without touching it. bandit and detect-secrets: the plugin
# repository's security scan, applied to the ZIP by tests/test_publishable.py.
requirements=("pytest>=7,<9" "$pytest_qgis" "pytest-qt>=4.2" "pytest-timeout" "hypothesis>=6" "ruff" "PyQt6>=6.5"
  "bandit>=1.7" "detect-secrets>=1.4")
stamp="$VENV/.requirements"
wanted="${requirements[*]} $numpy_version"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check -c "$constraints" "${requirements[@]}"
  echo "$wanted" > "$stamp"
fi

# The plugin is imported as the package `border_gaps` through this link, whatever
# the checkout's folder is called; the repo root itself never goes on sys.path.
mkdir -p build/pkg
ln -sfn ../.. build/pkg/border_gaps
