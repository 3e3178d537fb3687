export * from './model';
export { ZBUS } from './zbus';
export { DBUS_RS } from './dbus-rs';
export { RUSTBUS } from './rustbus';
export { RAW_SOCKET } from './raw-socket';
export { DBUS_NEXT } from './dbus-next';
export { DBUS_NATIVE } from './dbus-native';
export { NET_SOCKET } from './net-socket';
export { NODE_D_BUS } from './node-d-bus';
export { DBUS_TS } from './dbus-ts';

import { DBUS_NATIVE } from './dbus-native';
import { DBUS_NEXT } from './dbus-next';
import { DBUS_RS } from './dbus-rs';
import { DBUS_TS } from './dbus-ts';
import { NET_SOCKET } from './net-socket';
import { NODE_D_BUS } from './node-d-bus';
import { RAW_SOCKET } from './raw-socket';
import { RUSTBUS } from './rustbus';
import { ZBUS } from './zbus';
import type { LibraryModel } from './model';
import type { FileFacts } from '../facts';
import { lowestVersion, versionAtLeast, type ProjectContext } from '../manifests';

export const LIBRARIES = [
  ZBUS,
  DBUS_RS,
  RUSTBUS,
  RAW_SOCKET,
  DBUS_NEXT,
  DBUS_NATIVE,
  NET_SOCKET,
  NODE_D_BUS,
  DBUS_TS,
] as const;

/**
 * True when the file uses the library: it imports it; or its project (the manifest the host read) is the library
 * itself (its own sources and bundles import it by relative paths); or the project depends on it at run time and
 * the file imports no other D-Bus library — a module handed its bus by another file. A file's own imports say
 * which of several libraries it uses; the manifest speaks only for files that say nothing.
 */
export function uses(library: LibraryModel, file: FileFacts): boolean {
  if (file.has(library.imports)) return true;
  const project = file.project;
  const packages = library.packages;
  if (!project || !packages) return false;
  if (project.name !== undefined && packages.test(project.name)) return true;
  if (!Object.keys(project.dependencies).some((name) => packages.test(name))) return false;
  return !LIBRARIES.some(
    (other) => other !== library && other.packages && other.language === library.language && file.has(other.imports),
  );
}

/**
 * True when the file itself imports the library: its sockets, if any, are then taken to be the library's business.
 * A manifest does not say so (a file in a project that depends on a library but writes the SASL exchange on its
 * own socket is a hand-written client), nor does being the library (its own sources are where it reads and writes).
 */
export function clientOf(library: LibraryModel, file: FileFacts): boolean {
  return file.has(library.imports);
}

/**
 * The D-Bus library of `language` whose own sources the file is (its project is the library), if any. There every
 * socket and file descriptor is the bus connection the library exists to drive, whatever words the file's code
 * carries (zbus's `poll(fd, -1)` sits in a helper that names nothing of D-Bus).
 */
export function librarySourceOf(file: FileFacts, language: LibraryModel['language']): LibraryModel | undefined {
  const name = file.project?.name;
  if (name === undefined) return undefined;
  return LIBRARIES.find((library) => library.language === language && !!library.packages?.test(name));
}

/** True when the manifest names a D-Bus library (or a fork) as the project itself or as a run-time dependency. */
export function projectUsesDbus(project: ProjectContext): boolean {
  const names =
    project.name === undefined
      ? Object.keys(project.dependencies)
      : [project.name, ...Object.keys(project.dependencies)];
  return LIBRARIES.some((library) => !!library.packages && names.some((name) => library.packages!.test(name)));
}

/** Every call any library table lists as putting a call on the wire, plus hand-written clients' usual names. */
export const ALL_SENDS: ReadonlySet<string> = new Set([
  ...LIBRARIES.flatMap((library) => library.sends),
  'send_msg',
  'write_message',
  'hello',
  'call_hello',
]);

/**
 * A file that talks to a socket by hand: nix/libc/Unix streams, or a `TcpStream` (D-Bus over TCP) in a
 * file that uses no D-Bus library (there a TCP stream is some other protocol's).
 */
export function handWrittenSocket(file: FileFacts): boolean {
  return (
    uses(RAW_SOCKET, file) ||
    (file.has(/\bTcpStream\b/) && !clientOf(ZBUS, file) && !clientOf(DBUS_RS, file) && !clientOf(RUSTBUS, file))
  );
}

/**
 * The deadline a call of the library gets by default in the version the file's project uses (its own version
 * when the project is the library, else the dependency's locked version or lowest admitted one), or undefined
 * when that version has none or no manifest says which version it is.
 */
export function defaultDeadline(
  library: LibraryModel,
  file: FileFacts,
): { seconds: number; version: string } | undefined {
  const project = file.project;
  if (!project || !library.defaultDeadlines) return undefined;
  for (const rule of library.defaultDeadlines) {
    const version =
      project.name !== undefined && rule.package.test(project.name)
        ? project.version
        : Object.entries(project.dependencies).find(([name]) => rule.package.test(name))?.[1];
    const lowest = version === undefined ? undefined : lowestVersion(version);
    const since = lowestVersion(rule.since);
    if (lowest && since && versionAtLeast(lowest, since)) return { seconds: rule.seconds, version: version! };
  }
  return undefined;
}
