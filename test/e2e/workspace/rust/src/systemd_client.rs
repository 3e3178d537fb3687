//! e2e fixture: a hand-written system-bus client shaped like youki's dbus_native (write a call, take one
//! read as the whole reply, accept the first METHOD_RETURN without matching its REPLY_SERIAL).
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

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

fn parse_messages(bytes: &[u8]) -> Vec<Message> {
    let _ = bytes;
    Vec::new()
}

pub fn call(stream: &mut UnixStream, request: &[u8]) -> std::io::Result<Vec<u8>> {
    stream.write_all(request)?;
    let mut buf = vec![0_u8; 8192];
    let n = stream.read(&mut buf)?;
    let reply = parse_messages(&buf[..n])
        .into_iter()
        .find(|m| m.mtype == MessageType::MethodReturn)
        .ok_or_else(|| std::io::Error::other("no method return"))?;
    Ok(reply.body)
}
