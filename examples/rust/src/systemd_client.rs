//! A hand-written systemd client over the system bus socket, the way youki's `dbus_native` began.
//! `call_first_return` has the bug youki shipped; `call` is the fixed version of the same thing.
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    MethodCall,
    MethodReturn,
    Error,
    Signal,
}

pub struct Message {
    pub mtype: MessageType,
    pub serial: u32,
    pub reply_serial: Option<u32>,
    pub body: Vec<u8>,
}

pub struct SystemdClient {
    stream: UnixStream,
    next_serial: u32,
    /// Messages that arrived while we waited for a reply (signals such as NameAcquired, other replies).
    queued: VecDeque<Message>,
}

impl SystemdClient {
    pub fn connect(path: &str) -> std::io::Result<Self> {
        let stream = UnixStream::connect(path)?;
        // A peer that never answers must not hang us: libdbus and sd-bus give up after 25 s.
        stream.set_read_timeout(Some(Duration::from_secs(25)))?;
        Ok(Self { stream, next_serial: 1, queued: VecDeque::new() })
    }

    /// The bug: one read after the write is taken as the reply, and the first METHOD_RETURN in it wins.
    /// NameAcquired often arrives in that read instead, and the reply comes in the next one.
    pub fn call_first_return(&mut self, request: &[u8]) -> std::io::Result<Vec<u8>> {
        self.stream.write_all(request)?;
        let mut buf = vec![0_u8; 1024];
        let n = self.stream.read(&mut buf)?;
        let reply = parse_messages(&buf[..n])
            .into_iter()
            .find(|m| m.mtype == MessageType::MethodReturn)
            .ok_or_else(|| std::io::Error::other("expected to get a reply for method call, didn't get any"))?;
        Ok(reply.body)
    }

    /// The fix: read whole messages by their header's lengths until the one whose REPLY_SERIAL is ours.
    pub fn call(&mut self, request: &[u8], serial: u32) -> std::io::Result<Vec<u8>> {
        self.stream.write_all(request)?;
        loop {
            let message = self.read_message()?;
            if message.reply_serial != Some(serial) {
                self.queued.push_back(message);
                continue;
            }
            return match message.mtype {
                MessageType::Error => Err(std::io::Error::other("D-Bus error reply")),
                _ => Ok(message.body),
            };
        }
    }

    fn read_message(&mut self) -> std::io::Result<Message> {
        let mut header = [0_u8; 16];
        self.stream.read_exact(&mut header)?;
        let body_len = u32::from_le_bytes(header[4..8].try_into().unwrap()) as usize;
        let fields_len = u32::from_le_bytes(header[12..16].try_into().unwrap()) as usize;
        let mut rest = vec![0_u8; fields_len.next_multiple_of(8) + body_len];
        self.stream.read_exact(&mut rest)?;
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(&rest);
        parse_messages(&bytes).pop().ok_or_else(|| std::io::Error::other("malformed message"))
    }

    pub fn next_serial(&mut self) -> u32 {
        self.next_serial += 1;
        self.next_serial
    }
}

fn parse_messages(bytes: &[u8]) -> Vec<Message> {
    // Header-field parsing elided from the example.
    let _ = bytes;
    Vec::new()
}
