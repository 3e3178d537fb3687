#!/usr/bin/env bash
# Installs code-server (a real VS Code server + web workbench) into a cache folder outside the repo, for the
# e2e suite and `npm run demo`. It is not a project dependency: 300 MB, native builds, and only tests need it.
# Idempotent and safe to run concurrently: a finished install is a folder with a stamp; otherwise it installs
# into a temporary folder and renames it into place under a lock. Prints the code-server binary path last.
#
# Offline workarounds (see ../shared/notes/editor-testing.md in the team notes):
#   - @vscode/ripgrep's postinstall downloads rg from GitHub: its download cache is seeded with Debian's rg;
#   - node-pty's postinstall runs `npx node-gyp`, which a `yes=false` npmrc cancels: npm_config_yes=true;
#   - code-server's postinstall refuses to run as root without --unsafe-perm;
#   - the kerberos module builds from source (needs libkrb5-dev, installed by scripts/setup.sh).
set -euo pipefail

VERSION=4.100.3   # the newest code-server whose engines.node is 20 (VS Code 1.100.3)
RIPGREP_VERSION=1.15.11   # @vscode/ripgrep pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json
DEST=${DBUS_LINT_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dbus-lint/code-server-$VERSION}
BIN=$DEST/node_modules/.bin/code-server
STAMP=$DEST/.installed

if [[ -f $STAMP && -x $BIN ]]; then
  echo "$BIN"
  exit 0
fi

mkdir -p "$(dirname "$DEST")"
exec 9>"$DEST.lock"
flock 9
if [[ -f $STAMP && -x $BIN ]]; then   # another run finished it while we waited
  echo "$BIN"
  exit 0
fi

command -v rg >/dev/null || { echo "install-code-server: ripgrep (rg) is missing; run scripts/setup.sh" >&2; exit 1; }
started=$SECONDS
echo "install-code-server: installing code-server $VERSION into $DEST (about 90 s, once)" >&2

rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_VERSION"
rg_tarball="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -f $rg_tarball ]]; then
  mkdir -p "$rg_cache"
  staging=$(mktemp -d)
  cp "$(command -v rg)" "$staging/rg"
  tar czf "$rg_tarball.tmp" -C "$staging" rg
  mv "$rg_tarball.tmp" "$rg_tarball"
  rm -rf "$staging"
fi

work="$DEST.tmp-$$"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
echo '{"name":"dbus-lint-code-server","private":true}' >"$work/package.json"
# The repo's .npmrc sets ignore-scripts; code-server is nothing without its postinstall, so say it here.
(
  cd "$work"
  npm_config_yes=true npm install "code-server@$VERSION" \
    --ignore-scripts=false --unsafe-perm --foreground-scripts --no-audit --no-fund --loglevel=error >&2
)
"$work/node_modules/.bin/code-server" --config /dev/null --version >&2

rm -rf "$DEST"
mv "$work" "$DEST"
trap - EXIT
date -u +%FT%TZ >"$STAMP"
echo "install-code-server: done in $((SECONDS - started)) s" >&2
echo "$BIN"
