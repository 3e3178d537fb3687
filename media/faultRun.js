// @ts-check
// The fault bus view's script: fills the table from the extension's updates (FaultRunLive, see
// replay/src/faultRunView.ts) and forwards the buttons (a closed set of messages). It only ever writes text.
(function () {
  const vscode = acquireVsCodeApi();
  /** @param {string} id */
  const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const body = /** @type {HTMLTableSectionElement} */ (byId('live').querySelector('tbody'));
  const summary = byId('summary');
  const notice = byId('notice');
  const stop = /** @type {HTMLButtonElement} */ (byId('stop'));

  /** @param {HTMLTableRowElement} tr @param {string} text @param {string} [cls] */
  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  /** @param {any} row */
  function rowElement(row) {
    const tr = document.createElement('tr');
    tr.className = ['row', String(row.direction), String(row.type).replace('_', '-'), row.fault ? 'is-fault' : '']
      .filter(Boolean)
      .join(' ');
    tr.dataset.connection = String(row.connection);
    tr.dataset.type = String(row.type);
    tr.dataset.serial = String(row.serial);
    if (row.member) tr.dataset.member = String(row.member);
    if (row.replySerial !== null) tr.dataset.replySerial = String(row.replySerial);
    if (row.fault) tr.dataset.fault = String(row.fault);
    cell(tr, String(row.connection));
    cell(tr, Number(row.atMs).toFixed(1), 'time');
    cell(tr, row.io === null ? '' : `${row.direction === 'sent' ? 'write' : 'read'} ${row.io}`);
    cell(tr, row.direction === 'sent' ? 'program → bus' : 'bus → program', 'direction');
    cell(tr, String(row.what), 'label');
    cell(tr, String(row.serial));
    cell(tr, row.replySerial === null ? '' : String(row.replySerial));
    cell(tr, row.fault ? String(row.fault) : '', 'fault');
    return tr;
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'update') {
      const live = message.live;
      // Rows come grouped by connection, so a new message can land mid-table: rebuild (updates are throttled).
      const rows = Array.isArray(live.rows) ? live.rows : [];
      body.replaceChildren(...rows.map(rowElement));
      summary.textContent = String(live.headline);
      summary.dataset.state = String(live.state);
      stop.disabled = live.state !== 'running';
    } else if (message.type === 'notice') {
      notice.textContent = String(message.text);
    }
  });

  stop.addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
  byId('export-json').addEventListener('click', () => vscode.postMessage({ type: 'saveJson' }));
  byId('export-pcap').addEventListener('click', () => vscode.postMessage({ type: 'savePcap' }));
  vscode.postMessage({ type: 'ready' });
})();
