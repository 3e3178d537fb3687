// Where the host finds a Rust module path's file (host rustModules.ts), by the 2018-edition rules.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveRustModule } from '../../host/src/index';

describe('Rust module paths to files', () => {
  const pkg = mkdtempSync(join(tmpdir(), 'dbus-lint-rsmod-'));
  writeFileSync(join(pkg, 'Cargo.toml'), '[package]\nname = "app"\n');
  const files = new Set(
    [
      'src/lib.rs',
      'src/main.rs',
      'src/client.rs',
      'src/client/proxy.rs',
      'src/net/mod.rs',
      'src/net/socket.rs',
      'src/bin/tool.rs',
      'src/bin/helper.rs',
      'examples/demo.rs',
    ].map((f) => join(pkg, f)),
  );
  const exists = (path: string) => files.has(path);
  const resolve = (from: string, specifier: string) => {
    const found = resolveRustModule(join(pkg, from), specifier, exists);
    return found && [found.module, found.path.slice(pkg.length + 1)];
  };

  it('crate:: starts at the crate root, and the longest prefix that is a module wins', () => {
    assert.deepEqual(resolve('src/main.rs', 'crate::client::helper'), ['crate::client', 'src/client.rs']);
    assert.deepEqual(resolve('src/main.rs', 'crate::client::proxy::Proxy'), [
      'crate::client::proxy',
      'src/client/proxy.rs',
    ]);
    assert.deepEqual(resolve('src/client.rs', 'crate::net::socket::connect'), [
      'crate::net::socket',
      'src/net/socket.rs',
    ]);
    assert.deepEqual(resolve('src/client.rs', 'crate::net::Stream'), ['crate::net', 'src/net/mod.rs']);
    assert.deepEqual(
      resolve('src/client.rs', 'crate::run'),
      ['crate', 'src/lib.rs'],
      'a file of the lib: its root is lib.rs',
    );
  });

  it("self:: and mod: a file foo.rs's submodules live in foo/, a mod.rs's beside it", () => {
    assert.deepEqual(resolve('src/client.rs', 'self::proxy'), ['self::proxy', 'src/client/proxy.rs']);
    assert.deepEqual(resolve('src/net/mod.rs', 'self::socket::connect'), ['self::socket', 'src/net/socket.rs']);
    assert.deepEqual(resolve('src/lib.rs', 'self::client'), ['self::client', 'src/client.rs']);
    assert.equal(resolve('src/client.rs', 'self::missing'), undefined, 'not the file itself');
  });

  it('super:: is the parent module', () => {
    assert.deepEqual(resolve('src/client/proxy.rs', 'super::helper'), ['super', 'src/client.rs']);
    assert.deepEqual(resolve('src/net/socket.rs', 'super::Stream'), ['super', 'src/net/mod.rs']);
    assert.deepEqual(resolve('src/client.rs', 'super::run'), ['super', 'src/lib.rs']);
    assert.equal(resolve('src/lib.rs', 'super::x'), undefined, 'a crate root has no parent');
  });

  it('a src/bin or examples file is a crate root of its own', () => {
    assert.deepEqual(resolve('src/bin/tool.rs', 'crate::helper::f'), ['crate::helper', 'src/bin/helper.rs']);
    assert.equal(resolve('examples/demo.rs', 'crate::client::helper'), undefined);
  });

  it("the package's library by its name (`app::`) starts at src/lib.rs, from any of the package's crates", () => {
    assert.deepEqual(resolve('examples/demo.rs', 'app::client::helper'), ['app::client', 'src/client.rs']);
    assert.deepEqual(resolve('src/bin/tool.rs', 'app::net::socket::connect'), [
      'app::net::socket',
      'src/net/socket.rs',
    ]);
    assert.deepEqual(resolve('src/main.rs', 'app::run'), ['app', 'src/lib.rs']);
    assert.equal(resolve('src/main.rs', 'other::client::helper'), undefined, 'another crate');
  });
});
