#!/usr/bin/env bash
# `npm run demo`: the extension in a real VS Code (code-server) in your browser, on a copy of examples/, with
# a private D-Bus session bus and a demo service to replay calls against. Ctrl-C stops everything it started.
#
#   npm run demo                  installs what is missing, builds, packages, starts, prints the URL
#   npm run demo -- --check       starts everything, checks the URL answers and the extension is installed, stops
#   npm run demo -- --serve       keep serving even without a terminal (by default, no terminal means --check,
#                                 so a CI job or a script that runs the demo never hangs)
#
# Environment: DBUS_LINT_DEMO_PORT (default 8080; 0 = any free port), DBUS_LINT_SKIP_SETUP=1 (skip
# scripts/setup.sh, e.g. when `npm test` already ran it).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

mode=serve
[[ -t 0 ]] || mode=check
for arg in "$@"; do
  case $arg in
    --check) mode=check ;;
    --serve) mode=serve ;;
    *) echo "demo: unknown option $arg (use --check or --serve)" >&2; exit 2 ;;
  esac
done
port=${DBUS_LINT_DEMO_PORT:-$([[ $mode == check ]] && echo 0 || echo 8080)}
DEMO_SERVICE=org.example.DBusLintDemo

say() { echo "demo: $*"; }

# Runs "$@" until it succeeds, at most $1 seconds; the bounded wait for a service to come up.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      say "$what did not happen within ${seconds} s"
      return 1
    fi
    sleep 0.2
  done
}

if [[ ${DBUS_LINT_SKIP_SETUP:-} != 1 ]]; then
  bash scripts/setup.sh
fi
code_server=$(bash scripts/install-code-server.sh | tail -n 1)

run=$(mktemp -d "${TMPDIR:-/tmp}/dbus-lint-demo.XXXXXX")
started=()
stop_all() {
  local status=$?
  trap - EXIT INT TERM
  # Each child was started with setsid: its pid is its process group, which holds what it started in turn.
  for pid in "${started[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${started[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${started[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 && -f $run/code-server.log ]]; then
    say "failed; code-server log:"
    tail -n 30 "$run/code-server.log" >&2
  fi
  rm -rf "$run"
  say "stopped"
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "packaging the extension"
npm run --silent package -- --out "$run/dbus-lint.vsix" >"$run/package.log" 2>&1 || { cat "$run/package.log" >&2; exit 1; }

# A private session bus (never the machine's own) and a demo service on it that answers every call.
cat >"$run/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$run/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
mkfifo "$run/bus.ready"
setsid dbus-daemon --config-file="$run/bus.conf" --nofork --print-address=3 3>"$run/bus.ready" 2>"$run/bus.log" &
started+=($!)
read -r -t 10 bus_address <"$run/bus.ready" || { say "dbus-daemon did not start"; exit 1; }
export DBUS_SESSION_BUS_ADDRESS=$bus_address
say "private session bus at $bus_address"

setsid dbus-test-tool echo --name="$DEMO_SERVICE" >"$run/demo-service.log" 2>&1 &
started+=($!)
wait_until 10 "$DEMO_SERVICE answering" \
  dbus-send --session --print-reply --reply-timeout=1000 --dest="$DEMO_SERVICE" / org.example.DBusLintDemo.Ping
say "demo service $DEMO_SERVICE is on the bus (dbus-test-tool echo: it answers every method call)"

# code-server with a fresh profile, our .vsix, and a copy of examples/ (edits there do not touch the repo).
mkdir -p "$run/data/User" "$run/extensions"
cp -r examples "$run/examples"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$port" >"$run/config.yaml"
cat >"$run/data/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "git.enabled": false
}
EOF
cs_args=(--config "$run/config.yaml" --user-data-dir "$run/data" --extensions-dir "$run/extensions")
export XDG_CONFIG_HOME=$run/xdg-config XDG_DATA_HOME=$run/xdg-data
"$code_server" "${cs_args[@]}" --install-extension "$run/dbus-lint.vsix" >"$run/install.log" 2>&1 ||
  { cat "$run/install.log" >&2; exit 1; }

setsid "$code_server" "${cs_args[@]}" --auth none --disable-telemetry --disable-update-check \
  --disable-getting-started-override --disable-workspace-trust >"$run/code-server.log" 2>&1 &
code_server_pid=$!
started+=("$code_server_pid")
code_server_listening() {
  # A port already in use ends code-server at once: say so instead of waiting out the bound.
  kill -0 "$code_server_pid" 2>/dev/null || { say "code-server exited (port $port in use? set DBUS_LINT_DEMO_PORT)"; exit 1; }
  grep -q 'HTTP server listening on' "$run/code-server.log"
}
wait_until 60 "code-server listening" code_server_listening
origin=$(grep -o 'HTTP server listening on http://[0-9.]*:[0-9]*' "$run/code-server.log" | head -n 1 | sed 's/.* on //')
folder_url="$origin/?folder=$run/examples"

http_ok() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
wait_until 30 "$origin/healthz answering" http_ok "$origin/healthz"

if [[ $mode == check ]]; then
  http_ok "$folder_url" || { say "FAIL: $folder_url does not answer"; exit 1; }
  "$code_server" "${cs_args[@]}" --list-extensions 2>/dev/null | grep -qx 'dbus-lint.dbus-lint' ||
    { say "FAIL: dbus-lint.dbus-lint is not installed"; exit 1; }
  # The replay end to end on the demo bus: the first flagged TS example call that names its method,
  # replayed by the CLI the way the editor's "Replay this call on the bus" does.
  target=$({ node dist/cli.js check --format json "$run/examples/ts" || true; } | node -e '
    let input = "";
    process.stdin.on("data", (chunk) => (input += chunk)).on("end", () => {
      const finding = JSON.parse(input).findings.find((f) => f.data && f.data.member);
      if (finding) console.log(`${finding.path}:${finding.line}`);
    });')
  [[ -n $target ]] || { say "FAIL: no flagged call with a known method in examples/ts"; exit 1; }
  node dist/cli.js replay "$target" --session --yes --format json >"$run/replay.json" 2>&1 ||
    { cat "$run/replay.json" >&2; say "FAIL: replaying $target on the demo bus failed"; exit 1; }
  # The fault bus end to end on the demo bus: the naive example client fails every run under late-signal.
  (cd "$run/examples" && node "$repo/dist/cli.js" run --session --fault late-signal --repeat 3 --timeout-s 10 \
    -- node ts/src/naiveClient.cjs) >"$run/faultbus.txt" 2>&1 && {
    cat "$run/faultbus.txt" >&2
    say "FAIL: the naive client passed under late-signal"
    exit 1
  }
  grep -q '^runs 3, passed 0, failed 3, hung 0$' "$run/faultbus.txt" ||
    { cat "$run/faultbus.txt" >&2; say "FAIL: dbus-lint run did not report 3 failed runs of the naive client"; exit 1; }
  say "check OK: $folder_url answers, dbus-lint.dbus-lint is installed, $DEMO_SERVICE answers on the private bus, $(basename "$target") replays there, the naive client fails 3 of 3 runs under the fault bus's late-signal"
  exit 0
fi

cat <<EOF

  D-Bus Lint demo is running. Open this in your browser:

      $folder_url

  Open rust/src/main.rs or ts/src/busId.ts: the flagged calls are underlined, and listed in the Problems panel;
  Ctrl+. on one shows its quick fixes. To replay a call live, put the cursor on the flagged call in
  ts/src/busId.ts and run "D-Bus Lint: Replay Call…" (F1). Replays go to the demo's private session bus, where
  $DEMO_SERVICE answers every method call ("Enter a call by hand…" to try it).
  To see youki's bug happen on every run, open ts/src/naiveClient.cjs, Ctrl+. on its single-read-receive
  finding and pick "Prove it with the fault bus", then the task "naive D-Bus client" (or run
  "D-Bus Lint: Run with D-Bus Faults…"): under late-signal it fails, and the live view shows why.
  (On a remote machine, forward the port first: ssh -L ${origin##*:}:127.0.0.1:${origin##*:} <host>.)

  Press Ctrl-C to stop code-server, the private bus and the demo service.

EOF
wait "$code_server_pid"
say "code-server exited; see the log above"
exit 1
