// The `dbusLint` settings as the server reads them: only the values the user set (in user, workspace or folder
// settings), not the defaults VS Code fills in. What is not set comes from the project's dbus-lint.json, then
// the server's defaults (the same as package.json's), so a setting overrides the file only when it was made.
import * as vscode from 'vscode';

/** `rules.call-without-timeout.severity` → `{rules: {'call-without-timeout': {severity}}}`. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  // Rule ids hold dashes, never dots.
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** The setting keys under `dbusLint.`, from the extension's own package.json. */
export function settingKeys(packageJson: unknown): string[] {
  const properties =
    (packageJson as { contributes?: { configuration?: { properties?: Record<string, unknown> } } }).contributes
      ?.configuration?.properties ?? {};
  return Object.keys(properties)
    .filter((key) => key.startsWith('dbusLint.'))
    .map((key) => key.slice('dbusLint.'.length));
}

export function explicitSettings(keys: readonly string[], scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const configuration = vscode.workspace.getConfiguration('dbusLint', scope);
  const section: Record<string, unknown> = {};
  for (const key of keys) {
    const inspected = configuration.inspect(key);
    const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    if (value !== undefined) put(section, key, value);
  }
  return section;
}
