// The replay webview panel: renders a replay, answers the view's closed set of messages (replay
// again, stress, exports) and writes the transcript to the output channel.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  busctlCommand,
  dbusSendCommand,
  type ExtensionToWebview,
  formatMs,
  parseWebviewMessage,
  renderReplayHtml,
  type ReplayBackend,
  type ReplayResult,
  type ReplayViewModel,
  runReplay,
  toCallRecording,
  toPcap,
  transcript,
} from '../../../replay/src/index';

const VIEW_TYPE = 'dbusLint.replay';
/** Progress messages to the view at most this often, so a fast stress run does not flood it. */
const PROGRESS_INTERVAL_MS = 50;

export interface ReplayContext {
  extensionUri: vscode.Uri;
  output: vscode.LogOutputChannel;
  backend: ReplayBackend;
  timeoutMs: number;
}

export class ReplayPanel {
  private static current: ReplayPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private stressAbort: AbortController | undefined;
  /** performance.now() when the current HTML was assigned; the view's "ready" closes the measurement. */
  private renderStarted: number | undefined;
  private commandStarted: number | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: ReplayContext,
    private result: ReplayResult,
    private ruleId: ReplayViewModel['ruleId'],
  ) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)),
    );
  }

  /** Shows `result` in the replay panel (reusing an open one); `commandStarted` times command → rendered view. */
  static show(
    context: ReplayContext,
    result: ReplayResult,
    ruleId: ReplayViewModel['ruleId'],
    commandStarted: number,
  ): void {
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    let current = ReplayPanel.current;
    if (current) {
      current.stressAbort?.abort();
      current.result = result;
      current.ruleId = ruleId;
      current.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        'D-Bus Replay',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: true,
          localResourceRoots: [media],
          retainContextWhenHidden: true,
        },
      );
      current = new ReplayPanel(panel, context, result, ruleId);
      ReplayPanel.current = current;
    }
    current.commandStarted = commandStarted;
    current.render();
  }

  private render(): void {
    const { webview } = this.panel;
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    const { call, recording, verdict, elapsedMs } = this.result;
    this.panel.title = `D-Bus Replay: ${call.member}`;
    this.renderStarted = performance.now();
    webview.html = renderReplayHtml(
      { call, recording, verdict, ruleId: this.ruleId, elapsedMs },
      {
        cspSource: webview.cspSource,
        nonce: randomBytes(16).toString('base64'),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'replay.js')).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'replay.css')).toString(),
      },
    );
    this.context.output.info(transcript(call, recording, verdict).trimEnd());
  }

  private post(message: ExtensionToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.context.output.warn(`replay view: ignored an unexpected message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const { call } = this.result;
    switch (message.type) {
      case 'ready': {
        if (this.commandStarted !== undefined && this.renderStarted !== undefined) {
          const now = performance.now();
          this.context.output.info(
            `replay: command to rendered diagram ${formatMs(now - this.commandStarted)} ms (recording ${formatMs(this.result.elapsedMs)} ms, view ${formatMs(now - this.renderStarted)} ms)`,
          );
          this.commandStarted = undefined;
        }
        return;
      }
      case 'replayAgain':
        return this.replayAgain();
      case 'runStress':
        return this.runStress(message.runs);
      case 'cancelStress':
        this.stressAbort?.abort();
        return;
      case 'savePcap':
        return this.save('pcap', () => toPcap(this.result.recording));
      case 'saveJson':
        return this.save('json', () =>
          Buffer.from(JSON.stringify(toCallRecording(this.result.recording), null, 2) + '\n'),
        );
      case 'copyCommand': {
        const line = message.tool === 'busctl' ? busctlCommand(call) : dbusSendCommand(call);
        if (!line.ok) {
          this.post({ type: 'notice', text: `Cannot copy as ${message.tool}: ${line.reason}.` });
          return;
        }
        await vscode.env.clipboard.writeText(line.command);
        this.post({ type: 'notice', text: `Copied: ${line.command}` });
        return;
      }
    }
  }

  private async replayAgain(): Promise<void> {
    const started = performance.now();
    try {
      this.result = await runReplay(this.result.call, this.context.backend, this.context.timeoutMs);
      this.commandStarted = started;
      this.render();
    } catch (error) {
      this.post({ type: 'notice', text: `Replay failed: ${(error as Error).message}` });
    }
  }

  private async runStress(runs: number): Promise<void> {
    this.stressAbort?.abort();
    const abort = new AbortController();
    this.stressAbort = abort;
    let lastPost = 0;
    const onProgress = (done: number) => {
      const now = performance.now();
      if (now - lastPost < PROGRESS_INTERVAL_MS && done < runs) return;
      lastPost = now;
      this.post({ type: 'stressProgress', done, total: runs });
    };
    const started = performance.now();
    try {
      const summary = await this.context.backend.stress(
        this.result.call,
        runs,
        this.context.timeoutMs,
        onProgress,
        abort.signal,
      );
      const cancelled = abort.signal.aborted;
      this.post({ type: 'stressDone', summary, cancelled });
      this.context.output.info(
        `stress ${cancelled ? '(cancelled) ' : ''}${summary.runs} runs in ${formatMs(performance.now() - started)} ms: ok ${summary.ok}, failed ${summary.failed}, timeouts ${summary.timeouts}, p50 ${latency(summary.latencyMs.p50)}, p99 ${latency(summary.latencyMs.p99)}; naive first-message-wrong ${summary.naive.firstMessageWrong}, no-reply-in-first-read ${summary.naive.noReplyInFirstRead}`,
      );
    } catch (error) {
      this.post({ type: 'stressFailed', message: `Stress run failed: ${(error as Error).message}` });
    } finally {
      if (this.stressAbort === abort) this.stressAbort = undefined;
    }
  }

  private async save(extension: 'pcap' | 'json', bytes: () => Buffer): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `replay-${this.result.call.member}.${extension}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: extension === 'pcap' ? { 'pcap (D-Bus, link type 231)': ['pcap'] } : { JSON: ['json'] },
      saveLabel: extension === 'pcap' ? 'Save as pcap' : 'Save as JSON',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes());
    this.post({ type: 'notice', text: `Saved ${target.fsPath}` });
  }

  private dispose(): void {
    this.stressAbort?.abort();
    if (ReplayPanel.current === this) ReplayPanel.current = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/** A latency percentile, or "none" when no run got a reply. */
function latency(ms: number | null): string {
  return ms === null ? 'none' : `${formatMs(ms)} ms`;
}
