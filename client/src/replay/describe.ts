// Short human wording for recorded messages, shared by the verdict, the transcript and the view.
import type { RecordedMessage } from '../dbus/recording';

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
