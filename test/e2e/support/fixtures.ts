// What the e2e workspace (test/e2e/workspace) is expected to produce; every editor suite checks the same facts.
/** publisher.name from package.json. */
export const EXTENSION_ID = 'dbus-lint.dbus-lint';

export interface ExpectedFinding {
  /** Path inside the workspace. */
  file: string;
  code: string;
  /** 1-based, as editors show it. */
  line: number;
  /** Replacing that line with this text removes the finding (a real fix, not a deletion). */
  fixedLine: string;
}

export const FLAGGED_RUST: ExpectedFinding = {
  file: 'rust/src/hostname.rs',
  code: 'call-without-timeout',
  line: 5,
  fixedLine:
    '    let reply = tokio::time::timeout(std::time::Duration::from_secs(5), connection.call_method(Some("org.freedesktop.hostname1"), "/org/freedesktop/hostname1", Some("org.freedesktop.DBus.Properties"), "Get", &("org.freedesktop.hostname1", "Hostname"))).await??;',
};

export const FLAGGED_TS: ExpectedFinding = {
  file: 'ts/src/busId.ts',
  code: 'call-without-timeout',
  line: 8,
  fixedLine:
    "  const reply = await Promise.race([bus.call(message), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('GetId timed out')), 5000))]);",
};

export function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

/** youki-style hand-written client: a single read taken as the reply, a reply picked by type alone. */
export const YOUKI_STYLE = {
  file: 'rust/src/systemd_client.rs',
  findings: [
    { code: 'single-read-receive', line: 29 },
    { code: 'reply-serial-unchecked', line: 32 },
  ],
};

/** The replay target: a dbus-next call to a dbus-test-tool echo peer the suite puts on a private bus. */
export const REPLAY_PEER = {
  file: 'ts/src/peer.ts',
  code: 'call-without-timeout',
  line: 7,
  name: 'org.example.DBusLintE2E',
  member: 'Ping',
};

/** Written by the in-host check of fix all on save (the dbus-next sample with two calls to bound). */
export const FIX_ON_SAVE_FILE = 'ts/src/fixOnSave.ts';
