// What the fault bus records: one entry per program connection, in the replay's recording shape
// (messages, the reads as the program got them, auth lines, raw bytes for pcap), plus the program's
// own writes and how the connection ended. Messages the proxy made, held, cut or dropped carry `fault`.
import type { DetailedRecording, RecordedRead } from '../../../wire/src/index';

export interface ConnectionEnd {
  atMs: number;
  /** Who closed: the program, the bus, or the proxy (it could not reach the bus, or was stopped). */
  by: 'program' | 'bus' | 'proxy';
  /** Null for an ordinary close between messages; else what happened, for the user. */
  problem: string | null;
}

export interface ProxiedConnection extends DetailedRecording {
  /** 1 for the first program connection the proxy accepted, then 2, 3, … */
  id: number;
  /** The program's writes as the proxy read them, with the messages whose last byte each carried. */
  writes: RecordedRead[];
  /** Null while the connection is open. */
  end: ConnectionEnd | null;
}

export interface FaultBusRecording {
  /** The bus the proxy forwards to. */
  upstream: string;
  /** The proxy's own address (what the program was given). */
  address: string;
  faults: string[];
  match: string[];
  connections: ProxiedConnection[];
}
