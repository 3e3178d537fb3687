// A D-Bus library's own round trips: inside the library's crate (the project is the library) its sockets and file
// descriptors are the bus, and a function that sends and then loops until the reply carrying its serial is the
// library's call — with no deadline, it and its same-file callers can wait forever.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProjectContext } from '../../core/src/index';
import { testAnalyzer } from '../support/analyzer';

const crate = (name: string, dependencies: Record<string, string> = {}): ProjectContext => ({
  manifest: `/src/${name}/Cargo.toml`,
  name,
  dependencies,
});

async function timeoutLines(text: string, project?: ProjectContext): Promise<number[]> {
  const findings = await testAnalyzer().analyze(text, 'rust', { project });
  return findings
    .filter((f) => f.ruleId === 'call-without-timeout' && !f.suppression && !f.kind)
    .map((f) => f.range.start.line + 1);
}

/** A helper that waits for the bus fd to be readable, naming nothing of D-Bus. */
const WAIT_ON = [
  'use nix::poll::{poll, PollFd, PollFlags};',
  'use std::os::unix::io::RawFd;',
  '',
  'pub(crate) fn wait_on(fd: RawFd, flags: PollFlags) -> std::io::Result<()> {',
  '    let pollfd = PollFd::new(fd, flags);',
  '    poll(&mut [pollfd], -1)?;',
  '    Ok(())',
  '}',
  '',
].join('\n');

/** A connection's call: send, then receive until the message whose reply serial is the call's. */
const CONNECTION = [
  'use crate::{Message, Result};', // 1
  'use std::time::Duration;',
  '',
  'impl Connection {',
  '    pub fn call(&self, msg: Message) -> Result<Message> {', // 5
  '        let serial = self.send_message(msg)?;',
  '        loop {',
  '            let m = self.receive_specific(|m| Ok(m.reply_serial() == Some(serial)))?;',
  '            return Ok(m);',
  '        }', // 10
  '    }',
  '',
  '    pub fn call_within(&self, msg: Message, timeout: Duration) -> Result<Message> {',
  '        let serial = self.send_message(msg)?;',
  '        loop {', // 15
  '            let m = self.receive_specific_within(timeout, |m| Ok(m.reply_serial() == Some(serial)))?;',
  '            return Ok(m);',
  '        }',
  '    }',
  '', // 20
  '    pub fn hello(&self) -> Result<Message> {',
  '        self.call(Message::hello())',
  '    }',
  '',
  '    pub fn hello_within(&self) -> Result<Message> {', // 25
  '        self.call_within(Message::hello(), Duration::from_secs(25))',
  '    }',
  '',
  '    pub fn next_call(&self) -> Result<Message> {',
  '        loop {', // 30
  '            let m = self.receive_message()?;',
  '            if m.is_method_call() {',
  '                return Ok(m);',
  '            }',
  '        }', // 35
  '    }',
  '',
  '    pub fn register(&self) -> Result<Message> {',
  '        let msg = Message::new_method_call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello")?;',
  '        self.call(msg)', // 40
  '    }',
  '',
  '    pub fn serve(&self) -> Result<()> {',
  '        self.send_message(Message::signal("Ready"))?;',
  '        loop {', // 45
  '            let call = self.receive_message()?;',
  '            let reply = Message::method_return(&call).reply_serial(call.serial());',
  '            self.send_message(reply)?;',
  '        }',
  '    }', // 50
  '',
  '    pub fn call_polled(&self, msg: Message) -> Result<Message> {',
  '        let serial = self.send_message(msg)?;',
  '        loop {',
  '            poll(&mut [PollFd::new(self.fd, PollFlags::POLLIN)], 1000)?;', // 55
  '            let m = self.receive_message()?;',
  '            if m.reply_serial() == Some(serial) {',
  '                return Ok(m);',
  '            }',
  '        }', // 60
  '    }',
  '',
  '    pub fn call_blocking(&self, msg: Message) -> Result<Message> {',
  '        let serial = self.send_message(msg)?;',
  '        loop {', // 65
  '            poll(&mut [PollFd::new(self.fd, PollFlags::POLLIN)], -1)?;',
  '            match self.receive_message()?.reply_serial() {',
  '                Some(s) if s == serial => return Ok(m),',
  '                _ => continue,',
  '            }', // 70
  '        }',
  '    }',
  '}',
  '',
].join('\n');

describe("a library's own round trips", () => {
  it("an infinite poll on a fd in the library's crate is a wait on the bus; elsewhere nothing says it is D-Bus", async () => {
    assert.deepEqual(await timeoutLines(WAIT_ON, crate('zbus')), [6]);
    assert.deepEqual(await timeoutLines(WAIT_ON, crate('dbus')), [6]);
    assert.deepEqual(await timeoutLines(WAIT_ON, crate('tokio-postgres')), []);
    assert.deepEqual(await timeoutLines(WAIT_ON), []);
  });

  it('a send and a loop until the reply serial, with no deadline, is reported at the send, and so is each caller', async () => {
    // `call` (its send), `hello` and `register` (through it); not the loop with a timeout, its caller, the dispatch
    // loop, the service loop that sets a reply serial on the replies it sends and tests none, nor the loop whose
    // `poll` has a finite timeout; the loop that polls with -1 (and matches on the reply serial) is one.
    assert.deepEqual(await timeoutLines(CONNECTION, crate('zbus')), [6, 22, 40, 64]);
  });

  it('a caller that builds the method call it hands the loop says which call waits (for the replay)', async () => {
    const findings = await testAnalyzer().analyze(CONNECTION, 'rust', { project: crate('dbus') });
    const register = findings.find((f) => f.range.start.line + 1 === 40);
    assert.deepEqual(register?.data, {
      library: 'dbus-rs',
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'Hello',
    });
    assert.deepEqual(
      register?.related?.map((r) => r.range.start.line + 1),
      [6, 8],
      'it points at the send and the wait',
    );
  });

  it("outside the library's crate the same code is none of its calls", async () => {
    assert.deepEqual(await timeoutLines(CONNECTION), []);
    assert.deepEqual(await timeoutLines(CONNECTION, crate('app', { 'left-pad': '1' })), []);
  });
});
