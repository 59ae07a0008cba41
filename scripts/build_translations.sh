#!/usr/bin/env bash
# Compiles the Qt translations i18n/*.ts into the .qm files the plugin loads (and the ZIP ships).
set -euo pipefail
cd "$(dirname "$0")/.."
lrelease=$(command -v lrelease || true)
[ -x /usr/lib/qt5/bin/lrelease ] && lrelease=/usr/lib/qt5/bin/lrelease
if [ -z "$lrelease" ]; then
  echo "build_translations: lrelease not found (Debian package qttools5-dev-tools)" >&2
  exit 1
fi
for ts in i18n/*.ts; do
  "$lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
