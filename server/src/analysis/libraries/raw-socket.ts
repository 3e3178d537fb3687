import type { LibraryModel } from './model';

/** Hand-written Rust clients over nix, libc, std or tokio Unix sockets (youki's dbus_native was one). */
export const RAW_SOCKET: LibraryModel = {
  id: 'raw-socket',
  displayName: 'raw socket',
  language: 'rust',
  imports: /\bnix::sys::socket\b|\buse\s+nix::|\blibc::(?:recv|send|read|write)|\bUnixStream\b|\bsocket::(?:recvmsg|sendmsg|recv|send)\b/,
  sends: ['sendmsg', 'send', 'send_to', 'sendto', 'write_all', 'write', 'write_vectored', 'write_all_buf'],
  receives: ['recvmsg', 'recv', 'recv_from', 'recvfrom', 'read', 'read_buf', 'try_read', 'read_vectored'],
  receiveUnit: 'bytes',
  completeReads: ['read_exact', 'read_line', 'read_until', 'read_to_end', 'read_to_string'],
  timeoutDefault: 'a blocking socket read waits forever unless the socket has a read timeout',
};

/** Evidence that the socket's reads are bounded in time. */
export const READ_TIMEOUT = /set_read_timeout\s*\(\s*Some|SO_RCVTIMEO|ReceiveTimeout|set_nonblocking\s*\(\s*true|O_NONBLOCK|SOCK_NONBLOCK|MSG_DONTWAIT/;

/** A `poll` timeout that waits forever. */
export const INFINITE_POLL = /^(?:-1|None|PollTimeout::NONE|PollTimeout::MAX|c_int::MAX|i32::MAX)$/;

/**
 * Message-level reads any hand-written client might name so (`read_message`, `recv_msg`,
 * `get_next_message`, `read_socket`, `block_until_next_message`…): one call, one whole message.
 */
export const MESSAGE_RECEIVE =
  /^(?:read|recv|receive|get_next|next|pop|blocking_pop|block_until_next|read_next|try_read|await)_(?:message|msg|reply|response|socket|frame)$/;
