import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressError, parseAddress, sessionBusAddress, systemBusAddress } from '../../wire/src/index';

test('unix path, abstract, runtime, tcp, %-escapes and alternatives in order', () => {
  assert.deepEqual(
    parseAddress(
      'unix:path=/tmp/a%20b,guid=0123456789abcdef0123456789abcdef;unix:abstract=/tmp/dbus-x;tcp:host=127.0.0.1,port=4000;unix:runtime=yes',
      { XDG_RUNTIME_DIR: '/run/user/7' },
    ).map(({ text: _text, ...rest }) => rest),
    [
      { kind: 'unix', path: '/tmp/a b', abstract: false, guid: '0123456789abcdef0123456789abcdef' },
      { kind: 'unix', path: '/tmp/dbus-x', abstract: true, guid: undefined },
      { kind: 'tcp', host: '127.0.0.1', port: 4000, guid: undefined },
      { kind: 'unix', path: '/run/user/7/bus', abstract: false, guid: undefined },
    ],
  );
});

test('malformed addresses name the bad part', () => {
  const cases: [string, string, RegExp][] = [
    ['', '', /empty/],
    ['nonsense', 'nonsense', /transport:key=value/],
    ['unix:foo=bar', 'unix:foo=bar', /exactly one of path=/],
    ['unix:path=/a,path=/b', 'path=/b', /given twice/],
    ['unix:path=/a,oops', 'oops', /key=value/],
    ['unix:path=/a b', 'path=/a b', /%XX/],
    ['tcp:host=localhost', 'tcp:host=localhost', /port=/],
    ['tcp:host=localhost,port=99999', 'tcp:host=localhost,port=99999', /port=/],
    ['unix:tmpdir=/tmp', 'unix:tmpdir=/tmp', /address the bus printed/],
    ['unix:path=/ok;launchd:env=X', 'launchd:env=X', /unsupported transport "launchd"/],
  ];
  for (const [address, part, pattern] of cases) {
    assert.throws(
      () => parseAddress(address, {}),
      (error: unknown) => error instanceof AddressError && error.part === part && pattern.test(error.message),
      address,
    );
  }
});

test('session and system bus addresses come from the environment, with the specification defaults', () => {
  assert.equal(sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' }), 'unix:path=/x');
  assert.equal(sessionBusAddress({ XDG_RUNTIME_DIR: '/run/user/1' }), 'unix:path=/run/user/1/bus');
  assert.throws(() => sessionBusAddress({}), AddressError);
  assert.equal(systemBusAddress({}), 'unix:path=/var/run/dbus/system_bus_socket');
  assert.equal(systemBusAddress({ DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/y' }), 'unix:path=/y');
});
