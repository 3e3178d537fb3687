#!/usr/bin/env bash
# Builds the workspace-scan corpus (issue 7) from real code available offline, outside the repository:
#   Rust:  Debian's crate source packages (librust-*-dev), which unpack under /usr/share/cargo/registry/
#   TS/JS: npm packages installed with --ignore-scripts into $DBUS_LINT_BENCH_DIR/npm (default
#          ~/.cache/dbus-lint/bench-corpus/npm)
# Idempotent: apt and npm skip what is installed. Prints what the corpus holds per language.
# Needs root for apt-get (as on the project's machines). Usage: bash bench/scan-corpus.sh
set -euo pipefail

BENCH_DIR="${DBUS_LINT_BENCH_DIR:-$HOME/.cache/dbus-lint/bench-corpus}"
RUST_DIR=/usr/share/cargo/registry

# D-Bus crates and their users (zbus, dbus-rs, libsystemd, secret-service), plus large crates that never
# touch D-Bus: a real workspace is mostly such code. All pure Rust sources; none pulls in GTK or clang.
RUST_PACKAGES=(
  librust-zbus-dev librust-zvariant-dev librust-dbus-dev librust-dbus-tree-dev librust-dbus-udisks2-dev
  librust-libsystemd-dev librust-secret-service-dev
  librust-tokio-dev librust-tokio-util-dev librust-futures-dev librust-nix-dev librust-rustix-dev
  librust-linux-raw-sys-dev librust-web-sys-dev librust-x11rb-dev librust-syn-dev librust-regex-dev
  librust-gimli-dev librust-object-dev librust-petgraph-dev librust-rustls-dev librust-clap-dev
  librust-hyper-dev librust-serde-json-dev librust-chrono-dev librust-image-dev librust-ruma-common-dev
  librust-lalrpop-dev librust-zerocopy-dev librust-encoding-rs-dev librust-fst-dev librust-csv-dev
  librust-criterion-dev librust-alacritty-terminal-dev
)

# D-Bus client libraries and a D-Bus user, plus large packages that are not D-Bus code at all.
NPM_PACKAGES=(
  dbus-next@0.10.2 dbus-native@0.16.1 @homebridge/dbus-native@0.7.9 node-ble@1.13.0 mpris-service@2.1.2
  typescript@5.9 rxjs@7.8.2 three@0.170.0 lodash@4.17.21 webpack@5 eslint@9 date-fns@4
)

missing=()
for package in "${RUST_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "installing ${#missing[@]} crate source package(s): ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "crate source packages: all ${#RUST_PACKAGES[@]} installed"
fi

mkdir -p "$BENCH_DIR/npm"
if [[ ! -f "$BENCH_DIR/npm/package.json" ]]; then
  echo '{ "name": "dbus-lint-bench-corpus", "private": true }' >"$BENCH_DIR/npm/package.json"
fi
wanted_npm=()
for spec in "${NPM_PACKAGES[@]}"; do
  name="${spec%@*}"
  [[ -d "$BENCH_DIR/npm/node_modules/$name" ]] || wanted_npm+=("$spec")
done
if ((${#wanted_npm[@]} > 0)); then
  echo "installing npm package(s): ${wanted_npm[*]}"
  (cd "$BENCH_DIR/npm" && npm install --ignore-scripts --no-audit --no-fund --silent "${wanted_npm[@]}")
else
  echo "npm packages: all ${#NPM_PACKAGES[@]} installed"
fi

# Per language: files, MB and lines of every file with an analysed extension. The bench reports the same for the
# files the scanners actually read (both skip nested node_modules, dist, build, … folders).
summary() {
  local label=$1 dir=$2
  shift 2
  find "$dir" -type f \( "$@" \) -print0 | xargs -0 cat -- | wc -lc | awk -v label="$label" -v dir="$dir" '{printf "%-6s %s: %.1f MB, %d lines\n", label, dir, $2 / 1e6, $1}'
  echo "       files: $(find "$dir" -type f \( "$@" \) | wc -l)"
}
summary rust "$RUST_DIR" -name '*.rs'
summary ts/js "$BENCH_DIR/npm/node_modules" -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' -o -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx'
echo "corpus paths: $RUST_DIR $BENCH_DIR/npm/node_modules"
