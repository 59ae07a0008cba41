# Border Gaps: the recipe of a minimal Debian root carrying another QGIS release, and how to
# run a command inside one. Sourced by scripts/test_qgis.sh; this file and scripts/deps.sh are
# the recipe: a cached root whose stamp differs from them is built again.
#
# A root is built once per suite with mmdebstrap (essential packages, apt, make and the CA
# certificates), then `make deps` of a copy of the checkout installs QGIS, PostgreSQL/PostGIS,
# Xvfb and the test tools exactly as on a fresh machine. The copy's .venv stays in the root
# (/srv/checkout/.venv); everything else of it is removed again.

# Where the copy of the checkout lives inside a root: deliberately not called border_gaps.
ROOT_CHECKOUT=/srv/checkout

qgis_suite_of() {  # qgis_suite_of VERSION: the Debian suite that carries that QGIS release
  case "$1" in
    3.40) echo trixie ;;
    3.44) echo forky ;;
    *) return 1 ;;
  esac
}

root_stamp() {  # root_stamp SRC SUITE MIRROR: what a root was built from
  local src="$1" suite="$2" mirror="$3"
  {
    echo "suite=$suite mirror=$mirror"
    sha256sum <"$src/scripts/qgis_root.sh"
    sha256sum <"$src/scripts/deps.sh"
  } | sha256sum | cut -d' ' -f1
}

copy_host_config() {  # copy_host_config DIR: this machine's CA certificates, pip and DNS settings
  local dir="$1"
  # pip (and anything else speaking TLS) goes through this machine's certificate authorities,
  # and must read its pip configuration (index, certificate, constraints) like pip here does.
  mkdir -p "$dir/usr/local/share/ca-certificates" "$dir/etc"
  if [ -d /usr/local/share/ca-certificates ]; then
    cp -a /usr/local/share/ca-certificates/. "$dir/usr/local/share/ca-certificates/"
  fi
  [ -f /etc/pip.conf ] && cp -a /etc/pip.conf "$dir/etc/pip.conf"
  if [ -d /etc/xdg/pip ]; then
    mkdir -p "$dir/etc/xdg"
    rm -rf "$dir/etc/xdg/pip"
    cp -a /etc/xdg/pip "$dir/etc/xdg/pip"
  fi
  rm -f "$dir/etc/resolv.conf"
  cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
}

# The inner half of root_exec: runs as PID 1 of new PID and mount namespaces, so every mount made
# here is private to it and vanishes with it, and every process left in the root (PostgreSQL,
# Xvfb) is killed when it ends, even when the caller is killed outright. It also unmounts
# everything itself on the way out (trap), failure or Ctrl-C alike.
# shellcheck disable=SC2016
ROOT_EXEC_INNER='
set -uo pipefail
dir=$1 lower=$2 upper=$3 work=$4 script=$5
shift 5
teardown() { umount -R "$dir" 2>/dev/null || umount -R -l "$dir" 2>/dev/null || true; }
trap teardown EXIT
trap "exit 130" INT
trap "exit 143" TERM
if [ -n "$lower" ]; then
  mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$dir" || exit 1
else
  mount --bind "$dir" "$dir" || exit 1  # so that one umount -R takes everything off again
fi
mount -t proc proc "$dir/proc" &&
  mount --rbind /sys "$dir/sys" && mount --make-rslave "$dir/sys" &&
  mount --rbind /dev "$dir/dev" && mount --make-rslave "$dir/dev" &&
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$dir/dev/shm" || exit 1
chmod 1777 "$dir/tmp"
chroot "$dir" /usr/bin/env -i "$@" /bin/bash -c "$script"
'

root_exec() {  # root_exec DIR LOWER UPPER WORK SCRIPT: run bash SCRIPT as root inside DIR
  # LOWER empty: DIR itself is the root (building it); else DIR is an overlay of LOWER (read
  # only, the cached root) and UPPER (this run's changes).
  local dir="$1" lower="$2" upper="$3" work="$4" script="$5"
  local env_list=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    LANG=C.UTF-8 TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive CI="${CI:-}")
  local name
  for name in PYTEST_ADDOPTS BORDER_GAPS_THREADS BORDER_GAPS_DEMO_DPI; do
    if [ -n "${!name:-}" ]; then env_list+=("$name=${!name}"); fi
  done
  # --kill-child: if this shell dies, the namespace's PID 1 gets SIGKILL and takes everything
  # (processes and mounts) with it.
  unshare --mount --pid --fork --kill-child --propagation private \
    /bin/bash -c "$ROOT_EXEC_INNER" root_exec "$dir" "$lower" "$upper" "$work" "$script" "${env_list[@]}"
}

copy_checkout() {  # copy_checkout SRC DEST: the checkout's files, without what git ignores
  local src="$1" dest="$2"
  mkdir -p "$dest"
  if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # tracked and new files as they are in the work tree (uncommitted changes included)
    # (a tracked file deleted in the work tree is left out: --ignore-failed-read)
    (cd "$src" && git ls-files -z --cached --others --exclude-standard |
      tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$dest"
  else
    tar -C "$src" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist -cf - . | tar -xf - -C "$dest"
  fi
}

build_root() {  # build_root SRC SUITE MIRROR ROOT: (re)build the cached root ROOT
  local src="$1" suite="$2" mirror="$3" root="$4"
  local new="$root.new"
  if ! command -v mmdebstrap >/dev/null 2>&1; then
    echo "test-qgis: installing mmdebstrap (Debian package) on this machine"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap; }
  fi
  rm -rf --one-file-system "$new"
  local aptopts=(--aptopt='Acquire::Retries "5"')
  # forky (testing) is published less often than its Release file's Valid-Until allows.
  [ "$suite" = forky ] && aptopts+=(--aptopt='Acquire::Check-Valid-Until "false"')
  # The build's output goes to a log beside the root (shown when it fails).
  local log="$root.build.log"
  echo "test-qgis: building a $suite root in $new (mmdebstrap; log: $log)"
  if ! mmdebstrap --mode=root --variant=apt --include=ca-certificates,make,util-linux \
    "${aptopts[@]}" "$suite" "$new" "deb $mirror $suite main" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "test-qgis: mmdebstrap failed building the $suite root (log: $log)" >&2
    return 1
  fi
  # No service starts while packages are installed (PostgreSQL's would, and outlive the build).
  printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
  chmod 755 "$new/usr/sbin/policy-rc.d"
  copy_host_config "$new"
  copy_checkout "$src" "$new$ROOT_CHECKOUT"
  echo "test-qgis: installing QGIS and the project's dependencies in the $suite root (make deps)"
  if ! root_exec "$new" "" "" "" "update-ca-certificates >/dev/null && cd $ROOT_CHECKOUT && make deps && apt-get clean" \
    >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "test-qgis: make deps failed in the $suite root (log: $log)" >&2
    return 1
  fi
  # Keep the test tools' venv (made for this root's Python); the checkout is copied anew per run.
  find "$new$ROOT_CHECKOUT" -mindepth 1 -maxdepth 1 ! -name .venv -exec rm -rf {} +
  rm -rf --one-file-system "$root"
  mv "$new" "$root"
}
