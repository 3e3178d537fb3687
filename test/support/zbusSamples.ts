// Rust sample text several suites build their zbus clients from (the core, the CLI and the server's index tests).

/** A zbus proxy trait for org.example.Daemon with one method, `version`. */
export const DAEMON_PROXY = [
  '#[proxy(interface = "org.example.Daemon", default_service = "org.example.Daemon", default_path = "/org/example/Daemon")]',
  'trait Daemon {',
  '    fn version(&self) -> zbus::Result<String>;',
  '}',
];

/** A free fn whose untimed `version()` call through `DaemonProxy` waits for its caller. */
export const HELPER_FN = [
  'pub async fn helper(conn: &Connection) -> zbus::Result<String> {',
  '    let proxy = DaemonProxy::new(conn).await?;',
  '    proxy.version().await',
  '}',
];
