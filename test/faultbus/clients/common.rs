// What both std-only Rust test clients share: connecting to DBUS_SESSION_BUS_ADDRESS (unix:path= only),
// EXTERNAL auth, encoding a method call, and parsing one whole message off the front of a buffer.
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;

pub const EXPECTED: &str = "org.freedesktop.DBus";

pub fn fail(message: &str) -> ! {
    eprintln!("{}", message);
    std::process::exit(1)
}

pub fn connect() -> UnixStream {
    let address = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
    let path = match address.strip_prefix("unix:path=") {
        Some(rest) => rest.split(|c| c == ',' || c == ';').next().unwrap_or("").to_string(),
        None => fail(&format!("DBUS_SESSION_BUS_ADDRESS is not a unix:path= address: {:?}", address)),
    };
    match UnixStream::connect(&path) {
        Ok(stream) => stream,
        Err(error) => fail(&format!("cannot connect to {}: {}", path, error)),
    }
}

pub fn authenticate(stream: &mut UnixStream) {
    // std has no getuid: /proc/self belongs to the process's user.
    let uid = match std::fs::metadata("/proc/self") {
        Ok(meta) => meta.uid(),
        Err(error) => fail(&format!("cannot read /proc/self: {}", error)),
    };
    let hex: String = uid.to_string().bytes().map(|b| format!("{:02x}", b)).collect();
    let hello = format!("\0AUTH EXTERNAL {}\r\n", hex);
    if let Err(error) = stream.write_all(hello.as_bytes()) {
        fail(&format!("cannot write auth: {}", error));
    }
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => line.push(byte[0]),
            _ => fail("the bus closed the connection during auth"),
        }
    }
    if !line.starts_with(b"OK ") {
        fail(&format!("auth refused: {}", String::from_utf8_lossy(&line)));
    }
    if let Err(error) = stream.write_all(b"BEGIN\r\n") {
        fail(&format!("cannot write BEGIN: {}", error));
    }
}

fn align(out: &mut Vec<u8>, to: usize) {
    while out.len() % to != 0 {
        out.push(0);
    }
}

fn string_field(out: &mut Vec<u8>, code: u8, sig: u8, value: &str) {
    align(out, 8);
    out.extend_from_slice(&[code, 1, sig, 0]);
    out.extend_from_slice(&(value.len() as u32).to_le_bytes());
    out.extend_from_slice(value.as_bytes());
    out.push(0);
}

/** A method call to the bus driver, with one string argument or none. */
pub fn encode_call(serial: u32, member: &str, arg: Option<&str>) -> Vec<u8> {
    let mut out = vec![b'l', 1, 0, 1, 0, 0, 0, 0];
    out.extend_from_slice(&serial.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    string_field(&mut out, 1, b'o', "/org/freedesktop/DBus");
    string_field(&mut out, 2, b's', "org.freedesktop.DBus");
    string_field(&mut out, 3, b's', member);
    string_field(&mut out, 6, b's', "org.freedesktop.DBus");
    if arg.is_some() {
        align(&mut out, 8);
        out.extend_from_slice(&[8, 1, b'g', 0, 1, b's', 0]);
    }
    let fields = (out.len() - 16) as u32;
    out[12..16].copy_from_slice(&fields.to_le_bytes());
    align(&mut out, 8);
    let body_start = out.len();
    if let Some(text) = arg {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        out.push(0);
    }
    let body = (out.len() - body_start) as u32;
    out[4..8].copy_from_slice(&body.to_le_bytes());
    out
}

pub struct Msg {
    pub kind: u8,
    pub serial: u32,
    pub reply_serial: Option<u32>,
    pub text: Option<String>,
    /// Bytes the message takes on the wire.
    pub len: usize,
}

fn u32_at(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

/** The whole message at the start of `buf`, or None when it has not all come yet. */
pub fn parse_one(buf: &[u8]) -> Option<Msg> {
    if buf.len() < 16 {
        return None;
    }
    if buf[0] != b'l' {
        fail("not a little-endian message: the stream is out of step");
    }
    let body_len = u32_at(buf, 4) as usize;
    let fields_len = u32_at(buf, 12) as usize;
    let body_start = 16 + (fields_len + 7) / 8 * 8;
    let len = body_start + body_len;
    if buf.len() < len {
        return None;
    }
    let mut msg = Msg { kind: buf[1], serial: u32_at(buf, 8), reply_serial: None, text: None, len };
    let mut signature = String::new();
    let mut at = 16;
    while at < 16 + fields_len {
        at = (at + 7) / 8 * 8;
        let code = buf[at];
        let sig_len = buf[at + 1] as usize;
        let sig = buf[at + 2];
        at += 3 + sig_len;
        match sig {
            b'u' => {
                at = (at + 3) / 4 * 4;
                if code == 5 {
                    msg.reply_serial = Some(u32_at(buf, at));
                }
                at += 4;
            }
            b'g' => {
                let n = buf[at] as usize;
                if code == 8 {
                    signature = String::from_utf8_lossy(&buf[at + 1..at + 1 + n]).to_string();
                }
                at += n + 2;
            }
            _ => {
                at = (at + 3) / 4 * 4;
                let n = u32_at(buf, at) as usize;
                at += 4 + n + 1;
            }
        }
    }
    if signature.starts_with('s') {
        let n = u32_at(buf, body_start) as usize;
        msg.text = Some(String::from_utf8_lossy(&buf[body_start + 4..body_start + 4 + n]).to_string());
    }
    Some(msg)
}
