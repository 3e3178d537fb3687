#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for building, testing and the demo, then builds.
# Idempotent: every step checks first, so `npm test` and `npm run demo` can call it on each run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: buses and peers for live tests, tshark for pcap checks, Chromium + Neovim for the
# real-editor tests, ripgrep + libkrb5-dev + pkg-config for installing code-server offline.
APT_PACKAGES=(dbus-daemon dbus-bin dbus-tests dbus-broker systemd libglib2.0-bin python3-minimal tshark chromium neovim ripgrep libkrb5-dev pkg-config)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
  # Another apt-get (unattended upgrades, a parallel session) may hold the lock: wait for it.
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -q
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -q "${missing[@]}"
fi

# npm packages from the lockfile, only when the lockfile changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

# code-server (a real VS Code) for the e2e suite and the demo: installed once into a cache folder outside the repo.
bash scripts/install-code-server.sh >/dev/null

npm run --silent build
