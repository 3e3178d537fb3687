#!/usr/bin/env bash
# Installs the pinned real-code corpus that test/realcode/expectations.json labels.
#   npm packages  -> ${DBUS_LINT_REALCODE_DIR:-$HOME/.cache/dbus-lint/realcode}/npm/node_modules/...
#   Debian crates -> /usr/share/cargo/registry/<crate>-<version>/ (librust-*-dev packages)
# Idempotent: installs only what is missing; exits non-zero if an installed
# version differs from the pinned one.  Needs root (or sudo) for apt-get.
set -euo pipefail

ROOT="${DBUS_LINT_REALCODE_DIR:-$HOME/.cache/dbus-lint/realcode}"
NPM_DIR="$ROOT/npm"

# ----------------------------------------------------------------- npm
# name@version installed at top level
NPM_TOP=(
  dbus-next@0.10.2
  @homebridge/dbus-native@0.7.9
  dbus-native@0.16.1
  @jellybrick/dbus-next@0.11.3
  @httptoolkit/dbus-native@0.1.5
  dbus-native-victron@0.4.3
  dbus-victron-virtual@0.1.12
  dbus-ts@0.0.7
  node-ble@1.13.0
  mpris-service@2.1.2
  @jellybrick/mpris-service@2.2.3
  freedesktop-notifications@2.1.1
  @clebert/node-d-bus@1.0.0
  @clebert/node-bluez@1.0.0
  d-bus-message-protocol@1.0.0
  d-bus-type-system@1.0.0
  pg@8.23.1
  pg-protocol@1.16.1
  ssh2@1.17.0
  mqtt@5.16.0
  redis@6.3.1
  @redis/client@6.3.1
)
# path-under-node_modules=version, including nested copies that labels point into
NPM_EXPECT=(
  "mpris-service/node_modules/dbus-next=0.9.2"
  "freedesktop-notifications/node_modules/dbus-native=0.4.0"
)
for spec in "${NPM_TOP[@]}"; do
  NPM_EXPECT+=("${spec%@*}=${spec##*@}")
done

npm_version_of() { # $1 = path under node_modules
  local f="$NPM_DIR/node_modules/$1/package.json"
  [ -f "$f" ] || { echo missing; return; }
  node -e 'process.stdout.write(String(require(process.argv[1]).version))' "$f"
}

npm_check() { # prints mismatches, returns 1 if any
  local bad=0 e path want have
  for e in "${NPM_EXPECT[@]}"; do
    path="${e%%=*}"; want="${e#*=}"; have="$(npm_version_of "$path")"
    if [ "$have" != "$want" ]; then echo "  npm $path: want $want, have $have"; bad=1; fi
  done
  return $bad
}

command -v node >/dev/null || { echo "install.sh: node is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "install.sh: npm is required" >&2; exit 1; }
mkdir -p "$NPM_DIR"
if [ ! -f "$NPM_DIR/package.json" ]; then
  echo '{"name":"dbus-lint-realcode","private":true,"version":"0.0.0"}' > "$NPM_DIR/package.json"
fi
if npm_check >/dev/null; then
  echo "npm: all ${#NPM_EXPECT[@]} pinned packages present in $NPM_DIR"
else
  echo "npm: installing pinned packages into $NPM_DIR"
  (cd "$NPM_DIR" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "${NPM_TOP[@]}")
  if ! npm_check; then
    echo "install.sh: npm versions differ from the pinned ones (see above)" >&2
    exit 1
  fi
fi

# ----------------------------------------------------------------- Debian
# package=version  crate-dir (under /usr/share/cargo/registry)
DEB=(
  "librust-zbus-dev=1.9.2-4 zbus-1.9.2"
  "librust-dbus-dev=0.9.6-1 dbus-0.9.6"
  "librust-dbus-0.2-dev=0.2.3-2 dbus-0.2.3"
  "librust-dbus-tree-dev=0.9.2-1+b1 dbus-tree-0.9.2"
  "librust-dbus-udisks2-dev=0.3.0-1+b1 dbus-udisks2-0.3.0"
  "librust-secret-service-dev=2.0.1-2 secret-service-2.0.1"
  "librust-tokio-postgres-dev=0.7.7-2 tokio-postgres-0.7.7"
  "librust-postgres-protocol-dev=0.6.4-1+b1 postgres-protocol-0.6.4"
  "librust-hyper-dev=0.14.19-1 hyper-0.14.19"
  "librust-sd-notify-dev=0.4.1-2 sd-notify-0.4.1"
  "librust-libsystemd-dev=0.2.1-5 libsystemd-0.2.1"
)
deb_version_of() {
  dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null | awk '$1=="installed"{print $2}'
}
missing=()
for e in "${DEB[@]}"; do
  pv="${e%% *}"; pkg="${pv%%=*}"
  [ -n "$(deb_version_of "$pkg")" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null || { echo "install.sh: apt-get needed for: ${missing[*]}" >&2; exit 1; }
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "apt: all ${#DEB[@]} pinned Debian packages present"
fi
bad=0
for e in "${DEB[@]}"; do
  pv="${e%% *}"; dir="${e#* }"; pkg="${pv%%=*}"; want="${pv#*=}"
  have="$(deb_version_of "$pkg")"
  if [ "$have" != "$want" ]; then echo "  deb $pkg: want $want, have ${have:-missing}" >&2; bad=1; fi
  if [ ! -d "/usr/share/cargo/registry/$dir" ]; then echo "  deb $pkg: /usr/share/cargo/registry/$dir missing" >&2; bad=1; fi
done
if [ "$bad" -ne 0 ]; then
  echo "install.sh: Debian versions differ from the pinned ones (see above)" >&2
  exit 1
fi
echo "realcode corpus ready: npm in $NPM_DIR, crates in /usr/share/cargo/registry"
