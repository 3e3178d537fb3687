#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks, then builds. Every script the README names runs it first (the
# project's .npmrc sets ignore-scripts=true, so npm's pre-/post- hooks never run: the scripts do their own setup).
#   bash scripts/setup.sh        everything: Debian packages, npm packages, code-server, the build
#   bash scripts/setup.sh node   npm packages only (what type-checking, linting and generating need)
# Idempotent: every step checks first, so it costs a second or two when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}

if [[ $mode == all ]]; then
  # Debian packages: buses and peers for live tests, tshark for pcap checks, Chromium + Neovim for the
  # real-editor tests, ripgrep + libkrb5-dev + pkg-config for installing code-server offline, rustc (Debian's, 1.63)
  # for the fault bus's proof matrix, which builds std-only Rust clients.
  APT_PACKAGES=(dbus-daemon dbus-bin dbus-tests dbus-broker systemd libglib2.0-bin python3-minimal tshark chromium neovim ripgrep libkrb5-dev pkg-config rustc)

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
fi

# npm packages from the lockfile, only when the lockfile changed since the last install. Install scripts stay
# off (.npmrc): nothing this project depends on needs one, and a dependency's script is code run unasked.
# A git worktree may share another checkout's install through a node_modules symlink: reinstalling through the
# link would empty the other checkout's install mid-run, so a linked install is left as it is.
if [[ -L node_modules ]]; then
  :
elif [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

if [[ $mode == all ]]; then
  # code-server (a real VS Code) for the e2e suite and the demo: installed once into a cache folder outside the repo.
  bash scripts/install-code-server.sh >/dev/null
  node esbuild.mjs
fi
