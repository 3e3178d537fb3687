import type { LibraryModel } from './model';

export const RUSTBUS: LibraryModel = {
  id: 'rustbus',
  displayName: 'rustbus',
  language: 'rust',
  imports: /\brustbus\b/,
  packages: /^rustbus$/,
  sends: ['send_message', 'send'],
  receives: ['get_next_message', 'try_get_message'],
  receiveUnit: 'message',
  completeReads: [],
  timeoutDefault: 'rustbus waits exactly as long as the `Timeout` it is given; `Timeout::Infinite` never gives up',
};

/** rustbus calls a `Timeout` argument governs. */
export const RUSTBUS_WAITING_CALLS =
  /^(wait_response|wait_call|wait_signal|send_hello|send_message|get_next_message|read_once|read_all|flush|write_all|try_get_response|request_name|refill_once|refill_all)$/;

/** async-rustbus (rustbus's async sibling): `conn.send_msg_w_rsp(&call).await?` gives a future that waits for the reply. */
export const ASYNC_RUSTBUS_IMPORT = /\basync_rustbus\b/;
export const ASYNC_RUSTBUS_TIMEOUT_DEFAULT =
  'async-rustbus has no call timeout: the response future `send_msg_w_rsp` returns resolves only when the reply arrives';
