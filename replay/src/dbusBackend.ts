// The production replay backend: the embedded D-Bus client (recordCall, stress, introspection).
import {
  Connection,
  findMethods,
  introspect,
  recordCall,
  type ConnectOptions,
  type RecordCallOptions,
} from '../../wire/src/index';
import { stress } from './stress';
import type { BusChoice, ReplayCall } from './call';
import type { MethodDescription, ReplayBackend } from './engine';

function connectOptions(bus: BusChoice, env: NodeJS.ProcessEnv): ConnectOptions {
  return bus.kind === 'address' ? { address: bus.address, env } : { bus: bus.kind, env };
}

function callOptions(call: ReplayCall, timeoutMs: number, env: NodeJS.ProcessEnv): RecordCallOptions {
  return {
    ...connectOptions(call.bus, env),
    destination: call.destination,
    path: call.path,
    interface: call.interface ?? undefined,
    member: call.member,
    signature: call.signature,
    body: call.args,
    timeoutMs,
  };
}

export function dbusBackend(env: NodeJS.ProcessEnv = process.env): ReplayBackend {
  return {
    record: (call, timeoutMs) => recordCall(callOptions(call, timeoutMs, env)),
    stress: (call, runs, timeoutMs, onProgress, signal) =>
      stress({ ...callOptions(call, timeoutMs, env), runs }, (progress) => onProgress(progress.done), signal),
    async describeMethod(bus, destination, path, iface, member, timeoutMs): Promise<MethodDescription | null> {
      let connection: Connection | undefined;
      try {
        connection = await Connection.open({ ...connectOptions(bus, env), authTimeoutMs: timeoutMs });
        const [found] = findMethods(
          await introspect(connection, destination, path, timeoutMs),
          member,
          iface || undefined,
        );
        if (!found) return null;
        return {
          signature: found.method.inSignature,
          argNames: found.method.in.map((arg, i) => arg.name ?? `arg${i}`),
        };
      } catch {
        // Not introspectable (no such object, no Introspectable, access denied): the caller asks instead.
        return null;
      } finally {
        await connection?.close();
      }
    },
  };
}
