import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES, ruleDocsPath } from '../../core/src/index';
import { REPO_ROOT } from '../support/analyzer';

interface Manifest {
  contributes: {
    configuration: { properties: Record<string, { enum?: string[]; default?: unknown; scope?: string }> };
  };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

describe('rule registry', () => {
  it('has exactly the three rule ids', () => {
    assert.deepEqual(
      RULES.map((r) => r.id),
      ['single-read-receive', 'reply-serial-unchecked', 'call-without-timeout'],
    );
  });

  it('package.json declares one severity setting per rule, matching the registry default', () => {
    const severityKeys = Object.keys(properties).filter((key) => key.startsWith('dbusLint.rules.'));
    assert.deepEqual(severityKeys.sort(), RULES.map((r) => `dbusLint.rules.${r.id}.severity`).sort());
    for (const rule of RULES) {
      const setting = properties[`dbusLint.rules.${rule.id}.severity`];
      assert.equal(setting.default, rule.defaultSeverity, rule.id);
      assert.deepEqual(setting.enum, ['error', 'warning', 'information', 'hint', 'off']);
    }
  });

  it('every setting has a scope', () => {
    for (const [key, setting] of Object.entries(properties)) assert.ok(setting.scope, `${key} has no scope`);
  });

  it('every rule has its docs page', () => {
    for (const rule of RULES) assert.ok(existsSync(join(REPO_ROOT, ruleDocsPath(rule.id))), rule.id);
  });
});
