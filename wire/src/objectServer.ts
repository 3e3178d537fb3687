// Exporting objects on a connection: method dispatch by path/interface/member, generated
// introspection XML, and errors for unknown objects or methods. Small by design: test peers and
// demo services, not a framework.
import { BUS_NAME, BUS_PATH, type Connection } from './connection';
import { DBusErrorReply } from './errors';
import type { Message } from './message';

export interface MethodResult {
  signature?: string;
  body?: unknown[];
}

export interface ExportedMethod {
  /** In-argument signature, checked against the call's; null accepts any (the method is then introspected without arguments). */
  in: string | null;
  out: string;
  handler: (call: Message) => MethodResult | Promise<MethodResult>;
}

export interface ExportedInterface {
  name: string;
  methods: Record<string, ExportedMethod>;
}

const INTROSPECTABLE = 'org.freedesktop.DBus.Introspectable';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function introspectionXml(interfaces: ExportedInterface[]): string {
  const lines = [
    '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">',
    '<node>',
  ];
  lines.push(
    `  <interface name="${INTROSPECTABLE}"><method name="Introspect"><arg name="xml" type="s" direction="out"/></method></interface>`,
  );
  for (const iface of interfaces) {
    lines.push(`  <interface name="${escapeXml(iface.name)}">`);
    for (const [name, method] of Object.entries(iface.methods)) {
      lines.push(`    <method name="${escapeXml(name)}">`);
      for (const [i, type] of splitTypes(method.in ?? '').entries())
        lines.push(`      <arg name="in${i}" type="${escapeXml(type)}" direction="in"/>`);
      for (const [i, type] of splitTypes(method.out).entries())
        lines.push(`      <arg name="out${i}" type="${escapeXml(type)}" direction="out"/>`);
      lines.push('    </method>');
    }
    lines.push('  </interface>');
  }
  lines.push('</node>');
  return lines.join('\n');
}

/** Splits a signature into its complete types without validating (the exporter wrote them). */
function splitTypes(signature: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < signature.length; i++) {
    const c = signature[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    if (depth === 0 && c !== 'a') {
      out.push(signature.slice(start, i + 1));
      start = i + 1;
    }
  }
  return out;
}

/** Serves `objects` (path → interfaces) on the connection until the returned function is called. */
export function serveObjects(connection: Connection, objects: Record<string, ExportedInterface[]>): () => void {
  const onCall = (call: Message): void => {
    void answer(connection, objects, call);
  };
  connection.on('methodCall', onCall);
  return () => connection.off('methodCall', onCall);
}

async function answer(
  connection: Connection,
  objects: Record<string, ExportedInterface[]>,
  call: Message,
): Promise<void> {
  const interfaces = objects[call.path!];
  if (!interfaces) {
    connection.replyError(call, 'org.freedesktop.DBus.Error.UnknownObject', `no object at ${call.path}`);
    return;
  }
  if (call.member === 'Introspect' && (call.interface === undefined || call.interface === INTROSPECTABLE)) {
    connection.reply(call, 's', [introspectionXml(interfaces)]);
    return;
  }
  const found = interfaces
    .filter((iface) => call.interface === undefined || iface.name === call.interface)
    .map((iface) => iface.methods[call.member!])
    .find((method) => method !== undefined);
  if (!found) {
    connection.replyError(
      call,
      'org.freedesktop.DBus.Error.UnknownMethod',
      `no method ${call.interface ?? '*'}.${call.member} at ${call.path}`,
    );
    return;
  }
  if (found.in !== null && (call.signature ?? '') !== found.in) {
    connection.replyError(
      call,
      'org.freedesktop.DBus.Error.InvalidArgs',
      `${call.member} takes "${found.in}", got "${call.signature ?? ''}"`,
    );
    return;
  }
  try {
    const result = await found.handler(call);
    connection.reply(call, result.signature ?? found.out, result.body ?? []);
  } catch (error) {
    if (error instanceof DBusErrorReply) connection.replyError(call, error.errorName, error.text);
    else connection.replyError(call, 'org.freedesktop.DBus.Error.Failed', (error as Error).message);
  }
}

/** Requests a well-known name (DO_NOT_QUEUE); throws unless this connection became its primary owner. */
export async function requestName(connection: Connection, name: string): Promise<void> {
  const reply = await connection.call({
    destination: BUS_NAME,
    path: BUS_PATH,
    interface: BUS_NAME,
    member: 'RequestName',
    signature: 'su',
    body: [name, 4],
  });
  if (reply.body[0] !== 1)
    throw new Error(`RequestName("${name}") answered ${String(reply.body[0])}, not 1 (primary owner)`);
}
