// The embedded D-Bus client's public surface, for the CLI, the VS Code replay and tests.
export { parseAddress, sessionBusAddress, systemBusAddress, type Transport } from './address';
export {
  Connection,
  BUS_NAME,
  BUS_PATH,
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_AUTH_TIMEOUT_MS,
  resolveAddress,
  type CallSpec,
  type ConnectOptions,
  type SignalSpec,
} from './connection';
export * from './errors';
export {
  findMethods,
  introspect,
  parseIntrospection,
  type IntrospectedMethod,
  type IntrospectedNode,
} from './introspect';
export {
  checkCallNames,
  decodeHeader,
  decodeMessage,
  encodeMessage,
  frameLength,
  MessageFlag,
  MessageType,
  type Message,
} from './message';
export { isBusName, isInterfaceName, isMemberName, isObjectPath } from './names';
export { requestName, serveObjects, type ExportedInterface, type ExportedMethod } from './objectServer';
export { LOCAL_ERROR, outcomeOf, recordCall, type CallOutcome, type RecordCallOptions } from './recordCall';
export { Framer } from './framer';
export { Recorder, recordedMessage } from './recorder';
export type * from './recording';
export { parseSignature, parseSingleType, isValidSignature, type TypeNode } from './signature';
export { toJsonSafe, type Variant } from './values';
export { CallArgumentError, parseCallArguments } from './callArguments';
