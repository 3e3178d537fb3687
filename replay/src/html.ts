// The replay view's HTML, built as a pure function of the recording so it can be tested without an
// editor. Every string that came from the bus or the code passes through `escapeHtml`; the page runs
// one nonce-tagged script from the media folder and loads nothing else.
import { isRuleId, ruleMeta, type RuleId } from '../../core/src/rules/registry';
import type { DetailedRecording, RecordedMessage } from '../../wire/src/index';
import { describeCall, type ReplayCall } from './call';
import { formatMs, qualifiedMember } from './describe';
import { NAIVE_LABELS, type NaiveStrategy, type NaiveVerdict } from './naive';
import { DEFAULT_STRESS_RUNS, MAX_STRESS_RUNS } from './webviewMessages';
import { buildSequence, type Lifeline, type SequenceRow } from './sequence';

export interface ReplayViewModel {
  call: ReplayCall;
  recording: DetailedRecording;
  verdict: NaiveVerdict;
  /** Rule of the finding being replayed; null for a call entered by hand. */
  ruleId: RuleId | null;
  /** Milliseconds from the command to the recording being ready, shown so the user sees the cost. */
  elapsedMs: number | null;
}

export interface WebviewResources {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The start of a webview page up to `<body>`: a CSP that allows only the nonce's script and the extension's
 * stylesheet, and the title. Every page of ours starts with it.
 */
export function webviewHead(resources: WebviewResources, title: string): string {
  const csp = [`default-src 'none'`, `style-src ${resources.cspSource}`, `script-src 'nonce-${resources.nonce}'`].join(
    '; ',
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(resources.styleUri)}">
<title>${escapeHtml(title)}</title>
</head>
<body>`;
}

/** Bus names break after their dots in narrow panels, not mid-word. */
function breakableName(name: string): string {
  return escapeHtml(name).replace(/\./g, '.<wbr>');
}

function lifelineHeader(line: Lifeline): string {
  const unique =
    line.unique && line.unique !== line.title ? `<span class="unique">${escapeHtml(line.unique)}</span>` : '';
  return `<th scope="col" class="lifeline" data-lifeline="${line.id}" title="${escapeHtml(line.title)}"><span class="name">${breakableName(line.title)}</span>${unique}</th>`;
}

function arrowCells(row: SequenceRow, lifelines: Lifeline[]): string {
  const column = (id: string) =>
    Math.max(
      0,
      lifelines.findIndex((l) => l.id === id),
    );
  const from = column(row.from);
  const to = column(row.to);
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  return lifelines
    .map((_, c) => {
      const classes = ['life'];
      if (c === lo && c !== hi) classes.push('seg', 'seg-start');
      else if (c === hi && c !== lo) classes.push('seg', 'seg-end');
      else if (c > lo && c < hi) classes.push('seg', 'seg-full');
      let inner = '';
      if (c === to && from !== to) inner += `<span class="head ${to > from ? 'head-right' : 'head-left'}"></span>`;
      if (c === from && row.broadcast) inner += '<span class="broadcast-dot" title="broadcast signal"></span>';
      return `<td class="${classes.join(' ')}">${inner}</td>`;
    })
    .join('');
}

function rowId(row: SequenceRow): string {
  return `${row.kind}-${row.index}`;
}

function headerList(message: RecordedMessage, read: number | null): string {
  const fields: [string, string | number | null][] = [
    ['type', message.type],
    ['direction', message.direction],
    ['serial', message.serial],
    ['reply serial', message.replySerial],
    ['sender', message.sender],
    ['destination', message.destination],
    ['path', message.path],
    ['interface', message.interface],
    ['member', message.member],
    ['error name', message.errorName],
    ['signature', message.signature],
    ['size', `${message.size} B`],
    ['at', `${formatMs(message.atMs)} ms`],
    ['socket read', read === null ? null : `#${read + 1}`],
  ];
  return fields
    .filter(([, value]) => value !== null && value !== '')
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(String(value))}</dd>`)
    .join('');
}

function naiveMarks(verdict: NaiveVerdict, messageIndex: number): NaiveStrategy[] {
  return verdict.outcomes.filter((o) => o.taken === messageIndex && !o.correct).map((o) => o.strategy);
}

function sequenceRow(
  row: SequenceRow,
  model: ReplayViewModel,
  lifelines: Lifeline[],
  callToReplyMs: number | null,
): string {
  const columns = lifelines.length + 3;
  const message = row.kind === 'message' ? model.recording.messages[row.index] : undefined;
  const read = row.read === null ? undefined : model.recording.reads[row.read];
  const marks = message ? naiveMarks(model.verdict, row.index) : [];
  const classes = ['row', row.kind];
  if (message) classes.push(message.type.replace('_', '-'), message.direction);
  if (row.isError) classes.push('is-error');
  if (row.isCall) classes.push('is-call');
  if (row.isReply) classes.push('is-reply');
  if (marks.length) classes.push('naive-taken');
  if (row.read !== null) classes.push(row.read % 2 === 0 ? 'read-even' : 'read-odd');

  const attributes = [
    `id="${rowId(row)}"`,
    `class="${classes.join(' ')}"`,
    `data-kind="${row.kind}"`,
    `data-index="${row.index}"`,
    row.serial === null ? '' : `data-serial="${row.serial}"`,
    row.replySerial === null ? '' : `data-reply-serial="${row.replySerial}"`,
    message ? `data-type="${message.type}"` : '',
    message?.member ? `data-member="${escapeHtml(message.member)}"` : '',
    row.read === null ? '' : `data-read="${row.read + 1}"`,
    marks.length ? `data-naive="${marks.join(' ')}"` : '',
    message ? `tabindex="0" role="button" aria-expanded="false" aria-controls="details-${rowId(row)}"` : '',
  ].filter(Boolean);

  const readCell = read
    ? row.firstInRead
      ? `<td class="read" title="socket read #${row.read! + 1}">#${row.read! + 1}<span class="bytes">${read.bytes} B</span></td>`
      : `<td class="read same-read" title="same socket read as the row above">#${row.read! + 1}</td>`
    : '<td class="read"></td>';

  const serials =
    row.serial === null
      ? ''
      : `<span class="serial">serial ${row.serial}</span>${row.replySerial === null ? '' : `<span class="reply-serial">reply serial ${row.replySerial}</span>`}`;
  const answers = row.answers ? `<span class="answers">to ${escapeHtml(row.answers)}</span>` : '';
  const target =
    message && message.type !== 'method_return' && message.type !== 'error' && message.path
      ? `<span class="target">${escapeHtml(message.path)} ${escapeHtml(qualifiedMember(message))}</span>`
      : '';
  const tags = [
    row.isCall ? '<span class="tag tag-call">the call</span>' : '',
    row.isReply
      ? `<span class="tag tag-reply">the reply${callToReplyMs === null ? '' : `, ${formatMs(callToReplyMs)} ms after the call`}</span>`
      : '',
    ...marks.map(
      (s) => `<span class="tag tag-naive" data-strategy="${s}">${escapeHtml(NAIVE_LABELS[s])} takes this</span>`,
    ),
  ].join('');
  const label = `<td class="label"><span class="what">${escapeHtml(row.label)}</span>${answers}${serials}${target}${tags}</td>`;
  // Bustle's order: time, then what the message is, then the chart (which scrolls first in narrow panels).
  const main = `<tr ${attributes.join(' ')}><td class="time">${formatMs(row.atMs)}</td>${readCell}${label}${arrowCells(row, lifelines)}</tr>`;
  if (!message) return main;
  const body = escapeHtml(JSON.stringify(message.body, null, 2));
  const details = `<tr class="details" id="details-${rowId(row)}" hidden><td colspan="${columns}"><dl>${headerList(message, row.read)}</dl><pre class="body">${body}</pre></td></tr>`;
  return main + details;
}

function verdictSection(model: ReplayViewModel): string {
  const { verdict } = model;
  // The verdict is the finding's bug for the rules whose proof it is (a replay typed by hand has no rule).
  const emphasis = model.ruleId === null || !isRuleId(model.ruleId) || ruleMeta(model.ruleId).proof.naiveVerdict;
  const items = verdict.outcomes
    .map(
      (o) =>
        `<li data-strategy="${o.strategy}" data-correct="${o.correct}"><span class="outcome ${o.correct ? 'ok' : 'wrong'}">${o.correct ? 'ok' : 'wrong'}</span> <strong>${escapeHtml(NAIVE_LABELS[o.strategy])}</strong>: ${escapeHtml(o.sentence)}</li>`,
    )
    .join('');
  return `<section id="verdict" class="verdict ${verdict.wrong ? 'wrong' : 'ok'}${emphasis ? ' emphasised' : ''}" data-wrong="${verdict.wrong}" aria-labelledby="verdict-title">
<h2 id="verdict-title">What the flagged code would have received</h2>
<p id="verdict-headline">${escapeHtml(verdict.headline)}</p>
<ul class="outcomes">${items}</ul>
</section>`;
}

function stressSection(): string {
  const cells = [
    ['stress-ok', 'ok'],
    ['stress-failed', 'failed'],
    ['stress-timeouts', 'timeouts'],
    ['stress-p50', 'latency p50 (ms)'],
    ['stress-p99', 'latency p99 (ms)'],
    ['stress-first-wrong', 'naive: first message wrong'],
    ['stress-no-reply', 'naive: no reply in first read'],
  ]
    .map(([id, name]) => `<dt>${name}</dt><dd id="${id}"></dd>`)
    .join('');
  return `<section id="stress" data-state="idle" aria-labelledby="stress-title">
<h2 id="stress-title">Stress</h2>
<p class="hint">Runs the call on fresh connections and counts how often a naive client would have taken the wrong message.</p>
<div class="stress-controls">
<label for="stress-n">Runs</label>
<input id="stress-n" type="number" min="1" max="${MAX_STRESS_RUNS}" step="1" value="${DEFAULT_STRESS_RUNS}">
<button id="stress-run" type="button">Run N times</button>
<button id="stress-cancel" type="button" class="secondary" disabled>Cancel</button>
<progress id="stress-progress" max="1" value="0" hidden></progress>
<span id="stress-status" role="status" aria-live="polite"></span>
</div>
<div id="stress-summary" hidden><dl>${cells}</dl></div>
</section>`;
}

export function renderReplayHtml(model: ReplayViewModel, resources: WebviewResources): string {
  const { recording, call } = model;
  const sequence = buildSequence(recording);
  const lifelines = sequence.lifelines;
  const title = `${call.interface ? `${call.interface}.` : ''}${call.member}`;
  const facts = [
    sequence.callToReplyMs === null ? 'no reply' : `call to reply ${formatMs(sequence.callToReplyMs)} ms`,
    `${recording.messages.length} messages`,
    `${recording.reads.length} socket reads`,
    model.elapsedMs === null ? '' : `recorded in ${formatMs(model.elapsedMs)} ms`,
  ].filter(Boolean);
  const error = recording.error
    ? `<p id="replay-error" class="error-text" role="alert">${escapeHtml(recording.error.name)}: ${escapeHtml(recording.error.message)}</p>`
    : '';
  const rows = sequence.rows.map((row) => sequenceRow(row, model, lifelines, sequence.callToReplyMs)).join('\n');
  return `${webviewHead(resources, `Replay ${title}`)}
<header>
<h1 id="title">Replay of ${escapeHtml(title)}</h1>
<p id="call-summary">${escapeHtml(describeCall(call))}</p>
<p id="facts">${facts.map(escapeHtml).join(' · ')}</p>
${error}
<div class="actions" role="toolbar" aria-label="replay actions">
<button id="replay-again" type="button">Replay again</button>
<button id="export-pcap" type="button" class="secondary">Save as pcap</button>
<button id="export-json" type="button" class="secondary">Save as JSON</button>
<button id="copy-busctl" type="button" class="secondary">Copy as busctl command</button>
<button id="copy-dbus-send" type="button" class="secondary">Copy as dbus-send command</button>
</div>
<p id="notice" role="status" aria-live="polite"></p>
</header>
${verdictSection(model)}
<section aria-labelledby="sequence-title">
<h2 id="sequence-title">Message sequence</h2>
<div class="sequence-scroll">
<table id="sequence" aria-label="message sequence">
<thead><tr><th scope="col" class="time">ms</th><th scope="col" class="read">read</th><th scope="col" class="label">message</th>${lifelines.map(lifelineHeader).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
<p class="hint">Click a row for its headers and body. Rows with the same read number arrived in one socket read.</p>
</section>
${stressSection()}
<script nonce="${escapeHtml(resources.nonce)}" src="${escapeHtml(resources.scriptUri)}"></script>
</body>
</html>
`;
}
