// org.freedesktop.DBus.Introspectable: fetch a node's XML and parse it into interfaces, methods
// (with in/out signatures and argument names), signals and properties, to fill in a call.
import type { Connection } from './connection';
import { ProtocolError } from './errors';

export interface IntrospectedArg {
  name: string | null;
  type: string;
}

export interface IntrospectedMethod {
  name: string;
  in: IntrospectedArg[];
  out: IntrospectedArg[];
  /** Concatenated in-argument types: the call's signature. */
  inSignature: string;
  outSignature: string;
}

export interface IntrospectedInterface {
  name: string;
  methods: IntrospectedMethod[];
  signals: { name: string; args: IntrospectedArg[] }[];
  properties: { name: string; type: string; access: string }[];
}

export interface IntrospectedNode {
  interfaces: IntrospectedInterface[];
  /** Child node names (relative). */
  nodes: string[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return ENTITIES[body] ?? whole;
  });
}

interface Tag {
  name: string;
  attributes: Record<string, string>;
  closing: boolean;
  selfClosing: boolean;
}

function* tags(xml: string): Generator<Tag> {
  // Comments, the DOCTYPE and processing instructions carry nothing the call needs.
  const stripped = xml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<![^>]*>/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '');
  const tagPattern = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  const attributePattern = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (const match of stripped.matchAll(tagPattern)) {
    const attributes: Record<string, string> = {};
    for (const attribute of match[3].matchAll(attributePattern)) {
      attributes[attribute[1]] = decodeEntities(attribute[2] ?? attribute[3] ?? '');
    }
    yield { name: match[2], attributes, closing: match[1] === '/', selfClosing: match[4] === '/' };
  }
}

/** Parses introspection XML. Unknown elements and annotations are skipped. */
export function parseIntrospection(xml: string): IntrospectedNode {
  const node: IntrospectedNode = { interfaces: [], nodes: [] };
  let depth = 0;
  let iface: IntrospectedInterface | null = null;
  let method: IntrospectedMethod | null = null;
  let signal: { name: string; args: IntrospectedArg[] } | null = null;
  for (const tag of tags(xml)) {
    if (tag.closing) {
      if (tag.name === 'node') depth--;
      else if (tag.name === 'interface') iface = null;
      else if (tag.name === 'method') method = null;
      else if (tag.name === 'signal') signal = null;
      continue;
    }
    switch (tag.name) {
      case 'node':
        if (depth === 1 && tag.attributes.name) node.nodes.push(tag.attributes.name);
        if (!tag.selfClosing) depth++;
        break;
      case 'interface':
        if (depth !== 1) break;
        iface = { name: tag.attributes.name ?? '', methods: [], signals: [], properties: [] };
        node.interfaces.push(iface);
        if (tag.selfClosing) iface = null;
        break;
      case 'method':
        if (!iface) break;
        method = { name: tag.attributes.name ?? '', in: [], out: [], inSignature: '', outSignature: '' };
        iface.methods.push(method);
        if (tag.selfClosing) method = null;
        break;
      case 'signal':
        if (!iface) break;
        signal = { name: tag.attributes.name ?? '', args: [] };
        iface.signals.push(signal);
        if (tag.selfClosing) signal = null;
        break;
      case 'property':
        iface?.properties.push({
          name: tag.attributes.name ?? '',
          type: tag.attributes.type ?? '',
          access: tag.attributes.access ?? '',
        });
        break;
      case 'arg': {
        const arg = { name: tag.attributes.name ?? null, type: tag.attributes.type ?? '' };
        if (method) {
          if (tag.attributes.direction === 'out') {
            method.out.push(arg);
            method.outSignature += arg.type;
          } else {
            method.in.push(arg);
            method.inSignature += arg.type;
          }
        } else signal?.args.push(arg);
        break;
      }
    }
  }
  return node;
}

/** Calls Introspect on destination/path and parses the answer. */
export async function introspect(
  connection: Connection,
  destination: string,
  path: string,
  timeoutMs?: number,
): Promise<IntrospectedNode> {
  const reply = await connection.call({
    destination,
    path,
    interface: 'org.freedesktop.DBus.Introspectable',
    member: 'Introspect',
    timeoutMs,
  });
  const xml = reply.body[0];
  if (typeof xml !== 'string')
    throw new ProtocolError(`Introspect on ${destination} ${path} returned "${reply.signature ?? ''}", not a string`);
  return parseIntrospection(xml);
}

/** Finds a method by name (and interface, if given); returns all candidates when the name is ambiguous. */
export function findMethods(
  node: IntrospectedNode,
  member: string,
  interfaceName?: string,
): { interface: string; method: IntrospectedMethod }[] {
  return node.interfaces
    .filter((candidate) => interfaceName === undefined || candidate.name === interfaceName)
    .flatMap((candidate) =>
      candidate.methods
        .filter((method) => method.name === member)
        .map((method) => ({ interface: candidate.name, method })),
    );
}
