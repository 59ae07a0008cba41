#!/usr/bin/env bash
# Runs qgis_process with this checkout's Border Gaps enabled, in a profile of its own
# (build/qgis_profile) so a user's real QGIS profile is never touched.
#   scripts/qgis_process.sh --json run bordergaps:gapzones -- KEY=VALUE ...
# Debian 12's `qgis_process` wrapper passes --noversioncheck, which the executable
# rejects: use `qgis_process.bin` wherever it exists.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if command -v qgis_process.bin >/dev/null 2>&1; then bin=qgis_process.bin; else bin=qgis_process; fi
mkdir -p "$root/build/pkg"
[ -L "$root/build/pkg/border_gaps" ] || ln -sfn ../.. "$root/build/pkg/border_gaps"
export QGIS_CUSTOM_CONFIG_PATH="${BORDER_GAPS_PROFILE:-$root/build/qgis_profile}"
export QGIS_PLUGINPATH="$root/build/pkg${QGIS_PLUGINPATH:+:$QGIS_PLUGINPATH}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
ini="$QGIS_CUSTOM_CONFIG_PATH/profiles/default/QGIS/QGIS3.ini"
if ! grep -qs '^border_gaps=true' "$ini"; then
  "$bin" plugins enable border_gaps >/dev/null 2>&1
fi
exec "$bin" "$@"
