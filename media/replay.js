// @ts-check
// Replay view script: expands rows, forwards button presses to the extension (a closed set of
// messages, see client/src/replay/protocol.ts) and shows stress progress. It only ever writes text.
(function () {
  const vscode = acquireVsCodeApi();
  /** @param {string} id */
  const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /** @param {Element | null} row */
  function toggle(row) {
    if (!row || !row.id || row.getAttribute('aria-controls') === null) return;
    const details = document.getElementById('details-' + row.id);
    if (!details) return;
    details.hidden = !details.hidden;
    row.setAttribute('aria-expanded', String(!details.hidden));
  }
  const sequence = byId('sequence');
  sequence.addEventListener('click', (event) => toggle(/** @type {Element} */ (event.target).closest('tr.row')));
  sequence.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    toggle(/** @type {Element} */ (event.target).closest('tr.row'));
  });

  /** @type {Record<string, object>} */
  const buttons = {
    'replay-again': { type: 'replayAgain' },
    'export-pcap': { type: 'savePcap' },
    'export-json': { type: 'saveJson' },
    'copy-busctl': { type: 'copyCommand', tool: 'busctl' },
    'copy-dbus-send': { type: 'copyCommand', tool: 'dbus-send' },
    'stress-cancel': { type: 'cancelStress' },
  };
  for (const [id, message] of Object.entries(buttons))
    byId(id).addEventListener('click', () => vscode.postMessage(message));

  const stress = byId('stress');
  const runInput = /** @type {HTMLInputElement} */ (byId('stress-n'));
  const runButton = /** @type {HTMLButtonElement} */ (byId('stress-run'));
  const cancelButton = /** @type {HTMLButtonElement} */ (byId('stress-cancel'));
  const progress = /** @type {HTMLProgressElement} */ (byId('stress-progress'));
  const status = byId('stress-status');
  const summary = byId('stress-summary');

  /** @param {'idle' | 'running' | 'done' | 'cancelled' | 'failed'} state */
  function setState(state) {
    stress.dataset.state = state;
    runButton.disabled = state === 'running';
    cancelButton.disabled = state !== 'running';
    progress.hidden = state !== 'running';
  }

  runButton.addEventListener('click', () => {
    const runs = Number(runInput.value);
    if (!Number.isInteger(runs) || runs < 1 || runs > Number(runInput.max)) {
      status.textContent = 'Runs must be a whole number from 1 to ' + runInput.max + '.';
      return;
    }
    setState('running');
    summary.hidden = true;
    progress.max = runs;
    progress.value = 0;
    status.textContent = '0 / ' + runs;
    vscode.postMessage({ type: 'runStress', runs });
  });

  /** @param {number} n */
  const ms = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'stressProgress':
        progress.max = message.total;
        progress.value = message.done;
        status.textContent = message.done + ' / ' + message.total;
        break;
      case 'stressDone': {
        const s = message.summary;
        const pct = (/** @type {number} */ n) => (s.runs ? ' (' + ((100 * n) / s.runs).toFixed(1) + ' %)' : '');
        byId('stress-ok').textContent = s.ok + pct(s.ok);
        byId('stress-failed').textContent = s.failed + pct(s.failed);
        byId('stress-timeouts').textContent = s.timeouts + pct(s.timeouts);
        // null: no run got a reply, so there is no latency to show.
        byId('stress-p50').textContent = s.latencyMs.p50 === null ? 'none' : ms(s.latencyMs.p50);
        byId('stress-p99').textContent = s.latencyMs.p99 === null ? 'none' : ms(s.latencyMs.p99);
        byId('stress-first-wrong').textContent = s.naive.firstMessageWrong + pct(s.naive.firstMessageWrong);
        byId('stress-no-reply').textContent = s.naive.noReplyInFirstRead + pct(s.naive.noReplyInFirstRead);
        summary.hidden = false;
        summary.dataset.runs = String(s.runs);
        status.textContent = (message.cancelled ? 'Cancelled after ' : 'Done: ') + s.runs + ' runs';
        setState(message.cancelled ? 'cancelled' : 'done');
        break;
      }
      case 'stressFailed':
        status.textContent = message.message;
        setState('failed');
        break;
      case 'notice':
        byId('notice').textContent = message.text;
        break;
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
