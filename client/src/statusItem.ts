import * as vscode from 'vscode';
import type { ServerStatus } from '../../protocol/src/index';

export function createStatusItem(selector: vscode.DocumentSelector): vscode.LanguageStatusItem {
  const item = vscode.languages.createLanguageStatusItem('dbusLint.status', selector);
  item.name = 'D-Bus Lint';
  item.text = '$(sync~spin) D-Bus Lint';
  item.detail = 'starting';
  item.command = { title: 'Show Output', command: 'dbusLint.showOutput' };
  return item;
}

export function showStatus(item: vscode.LanguageStatusItem, status: ServerStatus): void {
  if (status.state === 'error') {
    item.text = '$(error) D-Bus Lint';
    item.severity = vscode.LanguageStatusSeverity.Error;
    item.detail = status.message ?? 'the language server failed';
    return;
  }
  item.severity = status.message ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  item.text = status.state === 'starting' ? '$(sync~spin) D-Bus Lint' : '$(check) D-Bus Lint';
  const timing = status.lastAnalysisMs !== undefined ? `, last analysis ${status.lastAnalysisMs} ms` : '';
  item.detail =
    status.message ?? `${status.filesAnalysed} file${status.filesAnalysed === 1 ? '' : 's'} analysed${timing}`;
}
