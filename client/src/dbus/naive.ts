// What a client that reads once after sending (youki's) would have seen, computed from a recording.
import type { CallRecording } from './recording';

export interface NaiveView {
  /** The first message of the first read after the call was not the call's reply (or that read completed none). */
  firstMessageWrong: boolean;
  /** The first read after the call held no method return or error at all ("didn't get any"). */
  noReplyInFirstRead: boolean;
}

/** Null when the recording has no sent call to judge from. */
export function naiveView(recording: CallRecording, callIndex: number | null): NaiveView | null {
  if (callIndex === null) return null;
  const call = recording.messages[callIndex];
  if (!call) return null;
  // Message indexes are in event order, so a read completing a later message came after the call;
  // a read that completed nothing is placed by its time.
  const first = recording.reads.find((read) =>
    read.completes.length ? read.completes.every((index) => index > callIndex) : read.atMs >= call.atMs,
  );
  if (!first) return { firstMessageWrong: true, noReplyInFirstRead: true };
  const types = first.completes.map((index) => recording.messages[index]!.type);
  return {
    firstMessageWrong: first.completes[0] === undefined || first.completes[0] !== recording.reply,
    noReplyInFirstRead: !types.some((type) => type === 'method_return' || type === 'error'),
  };
}
