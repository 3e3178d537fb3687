// What a hand-written client's function says about the call it makes, read from its string literals:
// hand-built headers have no API to resolve, but their values are usually literals in the same function.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from './facts';
import type { CallData } from './types';

const BUS_NAME = /^(?:[A-Za-z_][\w-]*\.)+[A-Za-z_][\w-]*$/;
const OBJECT_PATH = /^\/(?:[A-Za-z0-9_]+(?:\/[A-Za-z0-9_]+)*)?$/;
const STRING = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g;

/** `Hello` is always org.freedesktop.DBus's; otherwise the first bus name and object path literals. */
export function callHints(scope: Node, file: FileFacts): CallData {
  const literals: string[] = [];
  STRING.lastIndex = 0;
  for (let m = STRING.exec(scope.text); m; m = STRING.exec(scope.text)) literals.push(m[1] ?? m[2] ?? '');
  const bus = file.fact(busHint);
  const hints: CallData = bus ? { bus } : {};
  if (literals.some((l) => l === 'Hello')) {
    return {
      ...hints,
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'Hello',
    };
  }
  const destination = literals.find((l) => BUS_NAME.test(l) && l.split('.').length >= 3);
  const path = literals.find((l) => OBJECT_PATH.test(l) && l.length > 1);
  if (destination) hints.destination = destination;
  if (path) hints.path = path;
  return hints;
}

/** The bus a hand-written client's file talks about, if it names one. */
function busHint(file: FileFacts): 'system' | 'session' | undefined {
  return file.has(/system_bus_socket|\bsystem\b|SYSTEM_BUS/)
    ? 'system'
    : file.has(/DBUS_SESSION_BUS_ADDRESS|\bsession\b/)
      ? 'session'
      : undefined;
}
