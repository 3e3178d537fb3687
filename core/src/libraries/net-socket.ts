import type { LibraryModel } from './model';

/** Hand-written TS/JS clients over node's `net` sockets. */
export const NET_SOCKET: LibraryModel = {
  id: 'net-socket',
  displayName: 'net.Socket',
  language: 'js',
  imports:
    /(?:from\s+|require\s*\(\s*|import\s*\(\s*)['"](?:node:)?net['"]|\bnet\.(?:Socket|createConnection|connect)\b/,
  sends: ['write', 'end'],
  receives: ['once', 'on'],
  receiveUnit: 'bytes',
  completeReads: [],
  timeoutDefault: 'a pending call on a hand-written client waits forever unless a timer rejects it',
};

/** Data handlers that keep bytes across chunks (framing by the header's lengths); feeding the chunk to a framer counts too. */
export const BUFFERING =
  /Buffer\.concat|\.concat\(|\+=|chunks|pending(?:Data|Bytes|Buffer)|this\.(?:buffer|buf|incoming)\b/i;

/** Calls that take a chunk as one whole message. */
export const PARSES_MESSAGE = /parse|decode|unmarshal|deserial|readMessage|handleMessage|onMessage|fromBuffer/i;
