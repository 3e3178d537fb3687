// Short human wording for recorded messages, shared by the verdict, the transcript and the view.
import type { DetailedRecording, RecordedMessage } from '../../wire/src/index';

/** "the NameAcquired signal (serial 2)", "a method return (serial 3, reply serial 2)". */
export function describeMessage(message: RecordedMessage): string {
  switch (message.type) {
    case 'signal':
      return `the ${message.member ?? '?'} signal (serial ${message.serial})`;
    case 'method_return':
      return `a method return (serial ${message.serial}, reply serial ${message.replySerial ?? '?'})`;
    case 'error':
      return `the error ${message.errorName ?? '?'} (serial ${message.serial}, reply serial ${message.replySerial ?? '?'})`;
    case 'method_call':
      return `a ${message.member ?? '?'} method call (serial ${message.serial})`;
  }
}

/** Milliseconds with a precision that suits local buses (sub-millisecond round trips). */
export function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

/** "org.freedesktop.DBus.Hello", or the member alone when the message has no interface. */
export function qualifiedMember(message: RecordedMessage): string {
  if (!message.member) return '';
  return message.interface ? `${message.interface}.${message.member}` : message.member;
}

/**
 * Reads that carried only SASL lines: the recorder counts every socket read, auth included. They
 * complete no message and came no later than the last auth line received.
 */
export function isAuthRead(recording: Pick<DetailedRecording, 'reads' | 'auth'>, readIndex: number): boolean {
  const read = recording.reads[readIndex];
  const lastAuth = recording.auth.filter((line) => line.direction === 'received').at(-1);
  return !!read && !!lastAuth && read.completes.length === 0 && read.atMs <= lastAuth.atMs;
}

/** Control characters a terminal would act on (C0 but tab, DEL, C1): ESC sequences can rewrite the screen. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/**
 * One line of text for a terminal, with every control character shown as `\xNN` (a line break too, so a
 * string from the bus cannot forge a line): what the webview gets from escapeHtml, for text output.
 */
export function terminalSafe(line: string): string {
  return line.replace(TERMINAL_CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
