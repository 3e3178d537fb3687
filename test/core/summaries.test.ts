// Cross-file function summaries: a function that hands its caller an untimed D-Bus wait makes the calls of it in
// the files importing it findings too, linked back to the function and the call inside it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relativeImports, rustImports, type ImportedModule } from '../../core/src/index';
import { importsOf, rustModuleRefs } from '../../core/src/rustModules';
import { benchFile } from '../../bench/corpus';
import { testAnalyzer } from '../support/analyzer';
import { loadFixtures } from '../support/fixtures';
import { COLLECTION_MODULE, DAEMON_PROXY, HELPER_FN } from '../support/zbusSamples';

const CLIENT = [
  "const dbus = require('dbus-next');",
  'const { Message } = dbus;',
  'const props = (member, body) =>',
  "  new Message({ destination: 'org.example.Daemon', path: '/org/example/Daemon', interface: 'org.freedesktop.DBus.Properties', member, signature: 'ss', body });",
  'class Client {',
  '  constructor() {',
  '    this.bus = dbus.systemBus();',
  '  }',
  '  async getProperty(name) {',
  "    const reply = await this.bus.call(props('Get', ['org.example.Daemon', name]));",
  '    return reply.body[0];',
  '  }',
  '  refresh(name) {',
  '    return new Promise((resolve, reject) => {',
  "      this.bus.call(props('Get', ['org.example.Daemon', name])).then(resolve, reject);",
  '    });',
  '  }',
  '  ping() {',
  "    this.bus.call(props('Get', ['org.example.Daemon', 'Ping'])).then(() => {});",
  '  }',
  '}',
  'module.exports = { Client };',
  '',
].join('\n');

const CALLER = [
  "const { Client } = require('./client');",
  'const timeout = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), ms));',
  'async function main() {',
  '  const client = new Client();',
  "  console.log(await client.getProperty('Version'));",
  "  await Promise.race([client.refresh('Version'), timeout(1000)]);",
  '  client.ping();',
  '}',
  'main();',
  '',
].join('\n');

describe('cross-file function summaries', () => {
  it('relativeImports lists the files of its own project a module imports', () => {
    assert.deepEqual(
      relativeImports(
        "import a from './a.js';\nexport * from '../b';\nconst c = require('./c');\nconst d = await import('./d.mjs');\nimport e from 'dbus-next';\n",
      ),
      ['./a.js', '../b', './c', './d.mjs'],
    );
  });

  it('a function that returns, awaits or settles a promise from an untimed call is summarised; one that forgets it is not', async () => {
    const { summaries } = await testAnalyzer().analyzeFile(CLIENT, 'javascript');
    assert.deepEqual(
      summaries.map((s) => [s.name, s.range.start.line + 1, s.waitRange.start.line + 1, s.library]),
      [
        ['getProperty', 9, 10, 'dbus-next'],
        ['refresh', 13, 15, 'dbus-next'],
      ],
    );
  });

  it("the importing file's unbounded calls of those functions are findings, linked to the function and its call", async () => {
    const { summaries } = await testAnalyzer().analyzeFile(CLIENT, 'javascript');
    const imported: ImportedModule[] = [{ file: '/app/client.js', specifier: './client', summaries }];
    const findings = (await testAnalyzer().analyze(CALLER, 'javascript', { imported })).filter(
      (f) => f.ruleId === 'call-without-timeout',
    );
    assert.deepEqual(
      findings.map((f) => f.range.start.line + 1),
      [5],
      'the awaited call; not the one raced against a timer, not ping (no summary)',
    );
    const [finding] = findings;
    assert.match(finding.message, /`getProperty` \(client\.js:9, imported from '\.\/client'\)/);
    assert.deepEqual(
      finding.related.map((r) => [r.file, r.range.start.line + 1]),
      [
        ['/app/client.js', 9],
        ['/app/client.js', 10],
      ],
    );
    assert.equal(finding.fixes.length, 1, 'the race fix');
    assert.deepEqual(
      await testAnalyzer().analyze(CALLER, 'javascript'),
      [],
      'without the summaries the caller shows nothing to find',
    );
  });
});

const RUST_CLIENT = [
  'use std::time::Duration;',
  'use zbus::{proxy, Connection};',
  '',
  ...DAEMON_PROXY,
  '',
  ...HELPER_FN,
  '',
  'pub struct Client {',
  "    proxy: DaemonProxy<'static>,",
  '}',
  '',
  'impl Client {',
  '    pub async fn version(&self, _timeout: Duration) -> zbus::Result<String> {',
  '        self.proxy.version().await',
  '    }',
  '    pub fn ping_later(&self) {',
  '        let proxy = self.proxy.clone();',
  '        tokio::spawn(async move { proxy.version().await });',
  '    }',
  '}',
  '',
  '#[cfg(test)]',
  'mod tests {',
  '    async fn probe(conn: &zbus::Connection) {',
  '        let proxy = super::DaemonProxy::new(conn).await.unwrap();',
  '        proxy.version().await.unwrap();',
  '    }',
  '}',
  '',
].join('\n');

const RUST_DBUS_RS = [
  'use dbus::blocking::Connection;',
  'use std::time::Duration;',
  '',
  'pub fn state(conn: &Connection) -> Result<String, dbus::Error> {',
  '    let proxy = conn.with_proxy("org.example.Daemon", "/org/example/Daemon", Duration::MAX);',
  '    let (state,): (String,) = proxy.method_call("org.example.Daemon", "State", ())?;',
  '    Ok(state)',
  '}',
  '',
  "pub fn proxy(conn: &Connection) -> dbus::blocking::Proxy<'_, &Connection> {",
  '    conn.with_proxy("org.example.Daemon", "/org/example/Daemon", Duration::MAX)',
  '}',
  '',
].join('\n');

const RUST_CALLER = [
  'use crate::client::helper;',
  'use crate::client::Client;',
  'use std::time::Duration;',
  '',
  'pub async fn run(conn: &zbus::Connection, client: &Client) -> zbus::Result<()> {',
  '    println!("{}", helper(conn).await?);',
  '    let bounded = tokio::time::timeout(Duration::from_secs(5), helper(conn)).await;',
  '    let also = crate::client::helper(conn).timeout(Duration::from_secs(5)).await;',
  '    let v = client.version(Duration::from_secs(1)).await?;',
  '    let w = crate::client::helper(conn).await?;',
  '    Ok(())',
  '}',
  '',
  'pub async fn others(other: &crate::other::Other) -> String {',
  '    let made = crate::other::Other::new();',
  '    made.version().await;',
  '    other.version().await',
  '}',
  '',
].join('\n');

const GUARDED_HELPER = [
  "const dbus = require('dbus-next');",
  'const DEFAULTS = { useProps: true };',
  'class Helper {',
  '  constructor(bus, service, options = {}) {',
  '    this.bus = bus;',
  '    this.options = { ...DEFAULTS, ...options };',
  '  }',
  '  async props() {',
  "    if (!this.options.useProps) throw new Error('props not available');",
  "    const obj = await this.bus.getProxyObject('org.example.Daemon', '/org/example/Daemon');",
  "    return obj.getInterface('org.freedesktop.DBus.Properties').GetAll('org.example.Daemon');",
  '  }',
  '}',
  'module.exports = { Helper };',
].join('\n');

const GUARDED_CALLER = [
  "const { Helper } = require('./helper');",
  'async function withoutProps(bus) {',
  "  const helper = new Helper(bus, 'org.example.Daemon', { useProps: false });",
  '  return helper.props();',
  '}',
  'async function withProps(bus) {',
  "  const helper = new Helper(bus, 'org.example.Daemon', { useProps: true });",
  '  return helper.props();',
  '}',
  'async function byDefault(bus) {',
  "  const helper = new Helper(bus, 'org.example.Daemon');",
  '  return helper.props();',
  '}',
  'async function overridden(bus, more) {',
  "  const helper = new Helper(bus, 'org.example.Daemon', { useProps: false, ...more });",
  '  return helper.props();',
  '}',
].join('\n');

describe('cross-file summaries with a guard on an option', () => {
  it('a method that throws before it waits unless an option is set says so; a caller that turns the option off does not wait', async () => {
    const { summaries } = await testAnalyzer().analyzeFile(GUARDED_HELPER, 'javascript');
    assert.deepEqual(
      summaries.map((s) => [s.name, s.guard]),
      [['props', { param: 2, property: 'useProps', waitsWhen: true }]],
    );
    const imported: ImportedModule[] = [{ file: '/app/helper.js', specifier: './helper', summaries }];
    const findings = (await testAnalyzer().analyze(GUARDED_CALLER, 'javascript', { imported })).filter(
      (f) => f.ruleId === 'call-without-timeout',
    );
    assert.deepEqual(
      findings.map((f) => f.range.start.line + 1),
      [8, 12, 16],
      'not the call on the helper made with useProps: false; the default, true, and a spread after the literal may wait',
    );
  });
});

describe('cross-file function summaries in Rust', () => {
  it('rustImports lists the module paths of its own crate a file names', () => {
    assert.deepEqual(
      rustImports(
        [
          'mod client;',
          'use crate::a::b::f;',
          'use super::x::{g, h as k, y::*};',
          'use self::c;',
          'use zbus::Connection;',
          '// use crate::commented::out;',
          'fn main() { client::call(); c::d::e(); zbus::Connection::session(); }',
          '#[cfg(test)]',
          'mod tests {',
          '    use super::*;',
          '    use crate::only::in_tests;',
          '}',
        ].join('\n'),
      ),
      [
        'crate::a::b::f',
        'self::c',
        'self::c::d::e',
        'self::client',
        'self::client::call',
        'super::x::g',
        'super::x::h',
        'super::x::y',
      ],
    );
  });

  it('rustImports, which looks only for path calls that can be of this crate, lists what all references give', () => {
    const texts = [
      RUST_CLIENT,
      RUST_CALLER,
      RUST_DBUS_RS,
      benchFile('rust'),
      ...loadFixtures()
        .filter((f) => f.language === 'rust')
        .map((f) => f.text),
    ];
    // A file whose calls go through its own `mod`s and `use`d names, on top of the fixtures' shapes.
    texts.push(
      'mod a;\nuse crate::b::c;\nuse self::a::d as e;\nuse a::g;\nfn f() { a::x(); c::y::z(); e::w(); g::h::<u8>(); std::io::stdin(); }',
    );
    // And through the package's library by name.
    texts.push('use app::client::helper;\nuse app::net::*;\nfn f() { helper(); app::run::start(); other::x(); }');
    let named = 0;
    for (const text of texts) {
      const expected = importsOf(rustModuleRefs(text));
      assert.deepEqual(rustImports(text), expected);
      assert.deepEqual(rustImports(text, 'app'), importsOf(rustModuleRefs(text), 'app'));
      named += expected.length;
    }
    assert.ok(named > 10, `the texts name ${named} module paths`);
    assert.deepEqual(rustImports(texts.at(-1) ?? '', 'app'), ['app::client::helper', 'app::net', 'app::run::start']);
  });

  it('a fn (free or in an impl) whose untimed call waits for its caller is summarised; one that spawns the wait, or in a test module, is not', async () => {
    const { summaries } = await testAnalyzer().analyzeFile(RUST_CLIENT, 'rust');
    assert.deepEqual(
      summaries.map((s) => [
        s.owner ?? '',
        s.name,
        s.range.start.line + 1,
        s.waitRange.start.line + 1,
        !!s.takesSelf,
        s.library,
      ]),
      [
        ['', 'helper', 9, 11, false, 'zbus'],
        ['Client', 'version', 19, 20, true, 'zbus'],
      ],
    );
  });

  it('a same-file wrapper of a summarised fn is summarised too, unless it bounds the call', async () => {
    const text = [
      ...RUST_CLIENT.split('\n'),
      'impl Client {',
      '    pub async fn checked(&self) -> zbus::Result<String> {',
      '        self.version(Duration::from_secs(1)).await',
      '    }',
      '    pub async fn twice_removed(&self) -> zbus::Result<String> {',
      '        Self::checked(self).await',
      '    }',
      '    pub async fn bounded(&self) -> zbus::Result<String> {',
      '        tokio::time::timeout(Duration::from_secs(1), self.version(Duration::from_secs(1))).await.unwrap()',
      '    }',
      '}',
      'pub async fn free(conn: &Connection) -> zbus::Result<String> {',
      '    helper(conn).await',
      '}',
    ].join('\n');
    const { summaries } = await testAnalyzer().analyzeFile(text, 'rust');
    assert.deepEqual(
      summaries.map((s) => [s.owner ?? '', s.name, s.waitRange.start.line + 1]),
      [
        ['', 'helper', 11],
        ['Client', 'version', 20],
        ['Client', 'checked', 38],
        ['', 'free', 48],
        ['Client', 'twice_removed', 41],
      ],
    );
  });

  it('a dbus-rs fn calling through a proxy with an infinite timeout is summarised; one that only makes the proxy is not', async () => {
    const { summaries } = await testAnalyzer().analyzeFile(RUST_DBUS_RS, 'rust');
    assert.deepEqual(
      summaries.map((s) => [s.name, s.library]),
      [['state', 'dbus-rs']],
    );
  });

  it('a constructor-like fn named `new` that waits through an imported `Session::new` is summarised (only dbus-rs proxy makers are exempt)', async () => {
    const session: ImportedModule = {
      file: '/crate/src/session.rs',
      specifier: 'crate::session',
      summaries: [
        {
          name: 'new',
          owner: 'Session',
          range: { start: { line: 3, character: 11 }, end: { line: 3, character: 14 } },
          waitRange: { start: { line: 4, character: 8 }, end: { line: 4, character: 20 } },
          waits: '`proxy.open_session()` (zbus)',
          library: 'zbus',
        },
      ],
    };
    const text = [
      'use crate::session::Session;',
      'pub struct Service { session: Session }',
      'impl Service {',
      '    pub fn new() -> zbus::Result<Self> {',
      '        let session = Session::new()?;',
      '        Ok(Service { session })',
      '    }',
      '}',
    ].join('\n');
    const { summaries } = await testAnalyzer().analyzeFile(text, 'rust', { imported: [session] });
    assert.deepEqual(
      summaries.map((s) => [s.owner, s.name, s.waitRange.start.line + 1]),
      [['Service', 'new', 5]],
    );
  });

  it("the calling file's unbounded calls are findings, linked to the fn; calls bounded by a timeout are not", async () => {
    const { summaries } = await testAnalyzer().analyzeFile(RUST_CLIENT, 'rust');
    const imported: ImportedModule[] = [{ file: '/crate/src/client.rs', specifier: 'crate::client', summaries }];
    const findings = (await testAnalyzer().analyze(RUST_CALLER, 'rust', { imported })).filter(
      (f) => f.ruleId === 'call-without-timeout',
    );
    assert.deepEqual(
      findings.map((f) => [f.range.start.line + 1, /^`([^`]*)`/.exec(f.message)?.[1]]),
      [
        [9, 'client.version()'],
        [10, 'crate::client::helper()'],
      ],
      'not the call inside println! (a macro), not the bounded ones',
    );
    assert.match(findings[1].message, /`helper` \(client\.rs:9, from `crate::client`\) waits on `proxy\.version\(\)`/);
    assert.deepEqual(
      findings[1].related.map((r) => [r.file, r.range.start.line + 1]),
      [
        ['/crate/src/client.rs', 9],
        ['/crate/src/client.rs', 11],
      ],
    );
    assert.deepEqual(await testAnalyzer().analyze(RUST_CALLER, 'rust'), [], 'alone, the caller shows nothing to find');
  });

  it('a method call is followed only when its type is imported and the name is the one imported method', async () => {
    const { summaries } = await testAnalyzer().analyzeFile(RUST_CLIENT, 'rust');
    const imported: ImportedModule[] = [{ file: '/crate/src/client.rs', specifier: 'crate::client', summaries }];
    const unimported = RUST_CALLER.replace('use crate::client::Client;\n', '').replace(
      'client: &Client',
      'client: &crate::other::Client',
    );
    const findings = (await testAnalyzer().analyze(unimported, 'rust', { imported })).filter(
      (f) => f.ruleId === 'call-without-timeout',
    );
    assert.deepEqual(
      findings.map((f) => f.range.start.line + 1),
      [9],
    );
  });
});

/** A library's service type whose method waits and returns a value of a type defined in another of its modules. */
const RUST_SERVICE = [
  'use zbus::{proxy, Connection};',
  'use crate::collection::Collection;',
  '',
  ...DAEMON_PROXY,
  '',
  'pub struct Service {',
  "    proxy: DaemonProxy<'static>,",
  '}',
  '',
  'impl Service {',
  '    pub async fn default_collection(&self) -> zbus::Result<Collection> {',
  '        let name = self.proxy.version().await?;',
  '        Ok(Collection { name })',
  '    }',
  '}',
  '',
].join('\n');

/** That other module: two types with a waiting method of the same name, one returning the other in a `Vec`. */
const RUST_COLLECTION = COLLECTION_MODULE.join('\n');

const RUST_APP = [
  'use mylib::Service;',
  '',
  'async fn run(service: &Service, other: &Other) -> zbus::Result<()> {',
  '    let collection = service.default_collection().await?;',
  '    let items = collection.items().await?;',
  '    items[0].delete().await?;',
  '    items.first().unwrap().delete().await?;',
  '    collection.delete().await?;',
  '    other.delete().await?;',
  '    let local = Other::new();',
  '    local.delete().await',
  '}',
  '',
].join('\n');

describe('Rust values typed by where they came from', () => {
  it("a method on a value an imported fn returned is looked up on the returned type, in the modules that fn's module imports", async () => {
    const service = await testAnalyzer().analyzeFile(RUST_SERVICE, 'rust');
    const collection = await testAnalyzer().analyzeFile(RUST_COLLECTION, 'rust');
    assert.deepEqual(
      collection.summaries.map((s) => [s.owner, s.name, s.returns]),
      [
        ['Collection', 'delete', 'zbus::Result<()>'],
        ['Collection', 'items', 'zbus::Result<Vec<Item>>'],
        ['Item', 'delete', 'zbus::Result<()>'],
      ],
      'a summary carries its declared return type',
    );
    const imported: ImportedModule[] = [
      { file: '/mylib/src/lib.rs', specifier: 'mylib', summaries: service.summaries },
      {
        file: '/mylib/src/collection.rs',
        specifier: 'mylib::collection',
        summaries: collection.summaries,
        indirect: true,
      },
    ];
    // The app is an example of the library's own package: its `use mylib::…` names the library's modules.
    const project = { manifest: '/mylib/Cargo.toml', name: 'mylib', dependencies: { zbus: '4.4.0' } };
    const findings = (await testAnalyzer().analyze(RUST_APP, 'rust', { imported, project })).filter(
      (f) => f.ruleId === 'call-without-timeout',
    );
    assert.deepEqual(
      findings.map((f) => [f.range.start.line + 1, /`([A-Za-z]+::\w+)` \(/.exec(f.message)?.[1]]),
      [
        [4, 'Service::default_collection'],
        [5, 'Collection::items'],
        [6, 'Item::delete'],
        [7, 'Item::delete'],
        [8, 'Collection::delete'],
      ],
      'not `other.delete()` (a parameter of another type) nor `local.delete()` (made by `Other::new`)',
    );
    const direct = imported.slice(0, 1);
    const alone = (await testAnalyzer().analyze(RUST_APP, 'rust', { imported: direct, project })).filter(
      (f) => f.ruleId === 'call-without-timeout',
    );
    assert.deepEqual(
      alone.map((f) => f.range.start.line + 1),
      [4],
      'without the module that defines Collection and Item, their methods are not known',
    );
  });
});

describe('Rust fd waits', () => {
  it('a helper around poll(fd, -1) is reported but not summarised: what its fd waits for is its callers’ to say', async () => {
    const text = [
      'use std::os::unix::net::UnixStream;',
      'use nix::poll::{poll, PollFd, PollFlags};',
      'const BUS: &str = "unix:path=/run/dbus/system_bus_socket";',
      '',
      'pub fn wait_on(fd: i32) -> std::io::Result<()> {',
      '    let pollfd = PollFd::new(fd, PollFlags::POLLIN);',
      '    poll(&mut [pollfd], -1)?;',
      '    Ok(())',
      '}',
      '',
    ].join('\n');
    const { findings, summaries } = await testAnalyzer().analyzeFile(text, 'rust');
    assert.deepEqual(
      findings.filter((f) => f.ruleId === 'call-without-timeout').map((f) => f.range.start.line + 1),
      [7],
    );
    assert.deepEqual(summaries, []);
  });
});
