// The fault bus's live view: one panel per run, filled as the program's traffic comes (throttled), with the
// summary when it ends; exports of the recording. Messages from the page are a closed set.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  connectionsPcap,
  renderFaultRunHtml,
  type FaultBusRecording,
  type FaultRunHeader,
  type FaultRunLive,
} from '../../../replay/src/index';

const VIEW_TYPE = 'dbusLint.faultRun';

export interface FaultRunControls {
  stop(): void;
  recording(): FaultBusRecording;
}

type PageMessage = { type: 'ready' } | { type: 'stop' } | { type: 'saveJson' } | { type: 'savePcap' };

function pageMessage(value: unknown): PageMessage | undefined {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'stop' || type === 'saveJson' || type === 'savePcap' ? { type } : undefined;
}

export class FaultRunPanel {
  private live: FaultRunLive | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly controls: FaultRunControls,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)),
      panel.onDidDispose(() => {
        for (const disposable of this.disposables) disposable.dispose();
      }),
    );
  }

  static open(extensionUri: vscode.Uri, header: FaultRunHeader, controls: FaultRunControls): FaultRunPanel {
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'D-Bus Fault Bus',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: true },
    );
    const webview = panel.webview;
    webview.html = renderFaultRunHtml(header, {
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'faultRun.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'replay.css')).toString(),
    });
    return new FaultRunPanel(panel, controls);
  }

  update(live: FaultRunLive): void {
    this.live = live;
    if (this.ready) void this.panel.webview.postMessage({ type: 'update', live });
  }

  private async onMessage(value: unknown): Promise<void> {
    const message = pageMessage(value);
    if (!message) return;
    if (message.type === 'ready') {
      this.ready = true;
      if (this.live) this.update(this.live);
    } else if (message.type === 'stop') this.controls.stop();
    else await this.save(message.type === 'saveJson' ? 'json' : 'pcap');
  }

  private async save(kind: 'json' | 'pcap'): Promise<void> {
    const recording = this.controls.recording();
    const target = await vscode.window.showSaveDialog({
      filters: kind === 'json' ? { JSON: ['json'] } : { pcap: ['pcap'] },
      saveLabel: kind === 'json' ? 'Save recording' : 'Save pcap',
    });
    if (!target) return;
    const bytes =
      kind === 'json' ? Buffer.from(JSON.stringify(recording, null, 2) + '\n') : connectionsPcap(recording.connections);
    await vscode.workspace.fs.writeFile(target, bytes);
    void this.panel.webview.postMessage({ type: 'notice', text: `saved ${target.fsPath}` });
  }
}
