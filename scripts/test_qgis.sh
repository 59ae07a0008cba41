#!/usr/bin/env bash
# Runs the whole test suite (`make test`: unit and end-to-end, the real QGIS window under Xvfb
# included) in a minimal Debian root carrying another QGIS release, on a copy of this checkout.
#   scripts/test_qgis.sh 3.40            # Debian 13 trixie, QGIS 3.40 LTR
#   scripts/test_qgis.sh 3.44            # Debian forky, QGIS 3.44
#   scripts/test_qgis.sh 3.40 make demo  # any other command, in the copy of the checkout
# As root. The root is cached in $BORDER_GAPS_ROOTS (default /var/cache/border-gaps/roots/<suite>)
# and built again when missing or when its recipe (scripts/qgis_root.sh, scripts/deps.sh) changed.
# Each run gets a fresh overlay on the cached root, removed afterwards; its mounts live in a mount
# namespace of their own and are taken off on success, failure and Ctrl-C alike. The run's
# screenshots and maps (tests/e2e/out, demo/out) are copied to build/test-qgis-<version>/.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/qgis_root.sh
. "$src/scripts/qgis_root.sh"

version="${1:-}"
[ $# -gt 0 ] && shift
if ! suite="$(qgis_suite_of "$version")"; then
  echo "test-qgis: VERSION must be 3.40 (Debian trixie) or 3.44 (Debian forky), got '${version}'" >&2
  exit 2
fi
if [ "$(id -u)" != 0 ]; then
  echo "test-qgis: building and entering a Debian root needs root" >&2
  exit 1
fi
cmd="${*:-make test}"
roots="${BORDER_GAPS_ROOTS:-/var/cache/border-gaps/roots}"
mirror="${BORDER_GAPS_MIRROR:-http://deb.debian.org/debian}"
root="$roots/$suite"
started=$SECONDS

mkdir -p "$roots"
stamp="$(root_stamp "$src" "$suite" "$mirror")"
root_current() { [ -f "$root/.border-gaps-stamp" ] && [ "$(cat "$root/.border-gaps-stamp")" = "$stamp" ]; }
# Runs on one root hold its lock shared, so they run side by side; a build holds it exclusively,
# so it waits until every run on the root is over and every run waits for it.
exec 9>"$roots/$suite.lock"
flock -s 9
if root_current; then
  echo "test-qgis: using the cached $suite root $root"
else
  flock -x 9 # not atomic (flock(2)): another run may build first, hence the second look
  if root_current; then
    echo "test-qgis: using the $suite root $root another run has just built"
  else
    [ -d "$root" ] && echo "test-qgis: the $suite root's recipe changed (or its build was cut short): building it again"
    build_root "$src" "$suite" "$mirror" "$root"
    echo "$stamp" >"$root/.border-gaps-stamp"
    echo "test-qgis: $suite root built in $((SECONDS - started)) s"
  fi
  flock -s 9
fi

run="$(mktemp -d "${TMPDIR:-/var/tmp}/border-gaps-$suite.XXXXXX")"
results="$src/build/test-qgis-$version"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Mounts are made inside root_exec's own namespace; should any have leaked here, off with them
  # before anything is deleted.
  if grep -qF " $run/" /proc/self/mountinfo; then umount -R -l "$run/merged" 2>/dev/null || true; fi
  local out="$run/upper$ROOT_CHECKOUT"
  local pair from to copied=""
  for pair in tests/e2e/out:e2e demo/out:demo; do  # what a run left: this run's replaces the last
    from="$out/${pair%%:*}" to="$results/${pair##*:}"
    if [ -d "$from" ]; then
      rm -rf "$to" && mkdir -p "$results" && cp -a "$from" "$to" && copied="$copied ${to#"$src"/}"
    fi
  done
  [ -n "$copied" ] && echo "test-qgis: screenshots and maps of this run in$copied"
  rm -rf --one-file-system "$run"
  echo "test-qgis: QGIS $version ($suite): '$cmd' exited $rc after $((SECONDS - started)) s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$run/upper" "$run/work" "$run/merged"
copy_host_config "$run/upper"
copy_checkout "$src" "$run/upper$ROOT_CHECKOUT"
set +e
root_exec "$run/merged" "$root" "$run/upper" "$run/work" "
  update-ca-certificates >/dev/null 2>&1
  cd $ROOT_CHECKOUT || exit 1
  echo \"test-qgis: QGIS \$(python3 -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)' 2>/dev/null)\" \
    \"on Debian \$(cat /etc/debian_version), in a copy of the checkout at \$PWD\"
  $cmd"
rc=$?
set -e
exit "$rc"
