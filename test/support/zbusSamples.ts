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

/**
 * A library module with two types whose waiting methods share a name (`delete`), one returning the other in a
 * `Vec`: a method on a value is found only by the value's type.
 */
export const COLLECTION_MODULE = [
  'use zbus::{proxy, Connection};',
  '',
  ...DAEMON_PROXY,
  '',
  "pub struct Collection { pub name: String, proxy: DaemonProxy<'static> }",
  "pub struct Item { proxy: DaemonProxy<'static> }",
  '',
  'impl Collection {',
  '    pub async fn delete(&self) -> zbus::Result<()> {',
  '        self.proxy.version().await?;',
  '        Ok(())',
  '    }',
  '    pub async fn items(&self) -> zbus::Result<Vec<Item>> {',
  '        self.proxy.version().await?;',
  '        Ok(Vec::new())',
  '    }',
  '}',
  '',
  'impl Item {',
  '    pub async fn delete(&self) -> zbus::Result<()> {',
  '        self.proxy.version().await?;',
  '        Ok(())',
  '    }',
  '}',
  '',
];
