// Shaped like youki's D-Bus client before its fix (youki commit 56753c3c^, dbus_native/dbus.rs): after
// write_all, read 128-byte chunks until a short read, then take the first method return in what came,
// by type; "didn't get any" when there is none. GetNameOwner("org.freedesktop.DBus"); exit 0 if the
// answer is right, 1 if not.
#[path = "common.rs"]
mod common;

use common::{authenticate, connect, encode_call, fail, parse_one, Msg, EXPECTED};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

fn call(stream: &mut UnixStream, serial: u32, member: &str, arg: Option<&str>) -> Msg {
    if let Err(error) = stream.write_all(&encode_call(serial, member, arg)) {
        fail(&format!("cannot write {}: {}", member, error));
    }
    let mut collected = Vec::new();
    let mut buf = [0u8; 128];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => fail("the bus closed the connection"),
            Ok(n) => n,
            Err(error) => fail(&format!("read failed: {}", error)),
        };
        collected.extend_from_slice(&buf[..n]);
        if n < buf.len() {
            break;
        }
    }
    let mut at = 0;
    while let Some(msg) = parse_one(&collected[at..]) {
        at += msg.len;
        if msg.kind == 2 {
            return msg;
        }
    }
    fail(&format!("{}: didn't get any method return ({} bytes read)", member, collected.len()))
}

fn main() {
    let mut stream = connect();
    authenticate(&mut stream);
    call(&mut stream, 1, "Hello", None);
    let reply = call(&mut stream, 2, "GetNameOwner", Some(EXPECTED));
    match reply.text {
        Some(ref text) if text == EXPECTED => println!("{}", text),
        other => fail(&format!("wrong reply: serial {} reply serial {:?} with {:?}", reply.serial, reply.reply_serial, other)),
    }
}
