// The same client fixed: a buffer kept across reads, messages taken whole, the reply found by its
// REPLY_SERIAL, and a read timeout (the ms in argv[1], default 25 000) over the whole wait.
// GetNameOwner("org.freedesktop.DBus"); exit 0 if the answer is right, 1 if not, 3 on a timeout.
#[path = "common.rs"]
mod common;

use common::{authenticate, connect, encode_call, fail, parse_one, Msg, EXPECTED};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

struct Connection {
    stream: UnixStream,
    buffered: Vec<u8>,
}

impl Connection {
    fn call(&mut self, serial: u32, member: &str, arg: Option<&str>, timeout: Duration) -> Msg {
        if let Err(error) = self.stream.write_all(&encode_call(serial, member, arg)) {
            fail(&format!("cannot write {}: {}", member, error));
        }
        let started = Instant::now();
        let mut buf = [0u8; 4096];
        loop {
            while let Some(msg) = parse_one(&self.buffered) {
                self.buffered.drain(..msg.len);
                if (msg.kind == 2 || msg.kind == 3) && msg.reply_serial == Some(serial) {
                    return msg;
                }
            }
            let left = timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                timed_out(started, timeout);
            }
            if let Err(error) = self.stream.set_read_timeout(Some(left)) {
                fail(&format!("cannot set the read timeout: {}", error));
            }
            match self.stream.read(&mut buf) {
                Ok(0) => fail("the bus closed the connection"),
                Ok(n) => self.buffered.extend_from_slice(&buf[..n]),
                Err(ref error) if error.kind() == ErrorKind::WouldBlock || error.kind() == ErrorKind::TimedOut => {
                    timed_out(started, timeout)
                }
                Err(error) => fail(&format!("read failed: {}", error)),
            }
        }
    }
}

fn timed_out(started: Instant, timeout: Duration) -> ! {
    eprintln!("timed out after {} ms (timeout {} ms)", started.elapsed().as_millis(), timeout.as_millis());
    std::process::exit(3)
}

fn main() {
    let timeout_ms: u64 = std::env::args().nth(1).and_then(|text| text.parse().ok()).unwrap_or(25_000);
    let timeout = Duration::from_millis(timeout_ms);
    let mut stream = connect();
    authenticate(&mut stream);
    let mut connection = Connection { stream, buffered: Vec::new() };
    connection.call(1, "Hello", None, timeout);
    let reply = connection.call(2, "GetNameOwner", Some(EXPECTED), timeout);
    match reply.text {
        Some(ref text) if reply.kind == 2 && text == EXPECTED => println!("{}", text),
        other => fail(&format!("wrong reply: type {} serial {} with {:?}", reply.kind, reply.serial, other)),
    }
}
