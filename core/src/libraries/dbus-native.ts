import type { LibraryModel } from './model';

export const DBUS_NATIVE: LibraryModel = {
  id: 'dbus-native',
  displayName: 'dbus-native',
  language: 'js',
  imports: /(?:from\s+|require\s*\(\s*|import\s*\(\s*)['"](?:@[\w.-]+\/)?dbus-native['"]/,
  // Forks publish under a scope (@homebridge/dbus-native) or a suffix (dbus-native-victron).
  packages: /^(?:@[\w.-]+\/)?dbus-native(?:-[\w]+)?$/,
  sends: ['invoke', 'call'],
  receives: [],
  receiveUnit: 'none',
  completeReads: [],
  timeoutDefault: 'dbus-native `invoke` waits for a reply forever unless it is given a non-zero `timeout` option',
  // sidorares/dbus-native's lib/bus.js: 0.6–0.13 take a `timeout` option and default to none; from 0.14.0
  // `opts.timeout` defaults to DEFAULT_TIMEOUT = 25000 (`timeout: 0` opts out). The forks never took it up.
  defaultDeadlines: [{ package: /^dbus-native$/, since: '0.14.0', seconds: 25 }],
};

/**
 * How dbus-native and dbus-next (and their forks and bundles) write a message inside the library: the bus hands it
 * to its connection (`self.connection.message(msg)`, `this._connection.message(msg)`).
 */
export const CONNECTION_MESSAGE_WRITE = /\b_?connection\.message\s*\(/;

/**
 * A pending-call table keyed by the call's serial, as libraries implement `invoke`/`call`: a callback, a handler,
 * or the promise's resolve/reject parked under the serial (`this.cookies[msg.serial] = callback`,
 * `this._methodReturnHandlers[msg.serial] = (reply) => …`, `cookies[serial] = [resolve, reject]`).
 */
// Each name starts where a name starts (the look-behind): without it every position of a long word starts a run
// to the word's end, quadratic in the word (a minified bundle's megabyte comment).
export const PENDING_BY_SERIAL =
  /(?<![\w$.])([\w$.]+)\[[^\]\n]*serial[^\]\n]*\]\s*=\s*(?:(?:[[{][^\n;]*?\b)?(?:callback|cb|done|handler|onReply|resolve|reject)\b|\([^)\n]*\)\s*=>|function\b)|(?<![\w$.])([\w$.]+)\.set\(\s*[^,\n]*serial[^,\n]*,\s*(?:(?:[[{][^\n;]*?\b)?(?:callback|cb|done|handler|onReply|resolve|reject)\b|\([^)\n]*\)\s*=>|function\b)/gi;
