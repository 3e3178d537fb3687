// The text transcript of a replay: the same rows as the view, for the output channel and `--format text`.
import type { DetailedRecording } from '../../wire/src/index';
import { describeCall, type ReplayCall } from './call';
import { formatMs, terminalSafe } from './describe';
import { NAIVE_LABELS, type NaiveVerdict } from './naive';
import { buildSequence, type LifelineId, type Sequence } from './sequence';

function names(sequence: Sequence): Record<LifelineId, string> {
  const out = { us: 'us', bus: 'bus', peer: 'peer' };
  for (const line of sequence.lifelines) if (line.id === 'peer') out.peer = line.title;
  return out;
}

export function transcript(call: ReplayCall, recording: DetailedRecording, verdict: NaiveVerdict): string {
  const sequence = buildSequence(recording);
  const who = names(sequence);
  const lines: string[] = [`Replay: ${describeCall(call)}`];
  const us = sequence.lifelines.find((l) => l.id === 'us')?.unique;
  if (us) lines.push(`Our connection: ${us}`);
  const peer = sequence.lifelines.find((l) => l.id === 'peer');
  if (peer?.unique && peer.unique !== peer.title) lines.push(`Peer: ${peer.title} is ${peer.unique}`);
  for (const row of sequence.rows) {
    const time = `${formatMs(row.atMs).padStart(8)} ms`;
    const arrow = `${who[row.from]} → ${row.broadcast ? '(broadcast)' : who[row.to]}`.padEnd(24);
    const read = row.read === null ? ''.padEnd(8) : `read ${row.read + 1}`.padEnd(8);
    const serials =
      row.serial === null
        ? ''
        : ` serial ${row.serial}${row.replySerial === null ? '' : ` reply_serial ${row.replySerial}`}`;
    const answers = row.answers ? ` (to ${row.answers})` : '';
    const marks = [row.isCall ? '← the call' : '', row.isReply ? '← the reply' : ''].filter(Boolean).join(' ');
    lines.push(`${time}  ${read}${arrow} ${row.label}${answers}${serials}${marks ? `  ${marks}` : ''}`.trimEnd());
  }
  if (sequence.callToReplyMs !== null) lines.push(`Call to reply: ${formatMs(sequence.callToReplyMs)} ms`);
  if (recording.error) lines.push(`Error: ${recording.error.name}: ${recording.error.message}`);
  lines.push(`Verdict: ${verdict.headline}`);
  for (const outcome of verdict.outcomes) {
    lines.push(`  ${outcome.correct ? 'ok   ' : 'WRONG'} ${NAIVE_LABELS[outcome.strategy]}: ${outcome.sentence}`);
  }
  return lines.map(terminalSafe).join('\n') + '\n';
}
