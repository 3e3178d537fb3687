// Rust sample text several suites build their zbus clients from (the core, the CLI and the server's index tests).

/** A zbus proxy trait for org.example.Daemon with one method, `version`. */
export const DAEMON_PROXY = [
  '#[proxy(interface = "org.example.Daemon", default_service = "org.example.Daemon", default_path = "/org/example/Daemon")]',
  'trait Daemon {',
  '    fn version(&self) -> zbus::Result<String>;',
  '}',
];
