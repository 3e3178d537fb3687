// Cross-file function summaries: a function that hands its caller an untimed D-Bus wait makes the calls of it in
// the files importing it findings too, linked back to the function and the call inside it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relativeImports, type ImportedModule } from '../../core/src/index';
import { testAnalyzer } from '../support/analyzer';

const CLIENT = [
  "const dbus = require('dbus-next');",
  'const { Message } = dbus;',
  'const props = (member, body) =>',
  "  new Message({ destination: 'org.example.Daemon', path: '/org/example/Daemon', interface: 'org.freedesktop.DBus.Properties', member, signature: 'ss', body });",
  'class Client {',
  '  constructor() {',
  '    this.bus = dbus.systemBus();',
  '  }',
  '  async getProperty(name) {',
  "    const reply = await this.bus.call(props('Get', ['org.example.Daemon', name]));",
  '    return reply.body[0];',
  '  }',
  '  refresh(name) {',
  '    return new Promise((resolve, reject) => {',
  "      this.bus.call(props('Get', ['org.example.Daemon', name])).then(resolve, reject);",
  '    });',
  '  }',
  '  ping() {',
  "    this.bus.call(props('Get', ['org.example.Daemon', 'Ping'])).then(() => {});",
  '  }',
  '}',
  'module.exports = { Client };',
  '',
].join('\n');

const CALLER = [
  "const { Client } = require('./client');",
  'const timeout = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), ms));',
  'async function main() {',
  '  const client = new Client();',
  "  console.log(await client.getProperty('Version'));",
  "  await Promise.race([client.refresh('Version'), timeout(1000)]);",
  '  client.ping();',
  '}',
  'main();',
  '',
].join('\n');

describe('cross-file function summaries', () => {
  it('relativeImports lists the files of its own project a module imports', () => {
    assert.deepEqual(
      relativeImports(
        "import a from './a.js';\nexport * from '../b';\nconst c = require('./c');\nconst d = await import('./d.mjs');\nimport e from 'dbus-next';\n",
      ),
      ['./a.js', '../b', './c', './d.mjs'],
    );
  });

  it('a function that returns, awaits or settles a promise from an untimed call is summarised; one that forgets it is not', async () => {
    const { summaries } = await testAnalyzer().analyzeFile(CLIENT, 'javascript');
    assert.deepEqual(
      summaries.map((s) => [s.name, s.range.start.line + 1, s.waitRange.start.line + 1, s.library]),
      [
        ['getProperty', 9, 10, 'dbus-next'],
        ['refresh', 13, 15, 'dbus-next'],
      ],
    );
  });

  it("the importing file's unbounded calls of those functions are findings, linked to the function and its call", async () => {
    const { summaries } = await testAnalyzer().analyzeFile(CLIENT, 'javascript');
    const imported: ImportedModule[] = [{ file: '/app/client.js', specifier: './client', summaries }];
    const findings = (await testAnalyzer().analyze(CALLER, 'javascript', { imported })).filter(
      (f) => f.ruleId === 'call-without-timeout',
    );
    assert.deepEqual(
      findings.map((f) => f.range.start.line + 1),
      [5],
      'the awaited call; not the one raced against a timer, not ping (no summary)',
    );
    const [finding] = findings;
    assert.match(finding.message, /`getProperty` \(client\.js:9, imported from '\.\/client'\)/);
    assert.deepEqual(
      finding.related.map((r) => [r.file, r.range.start.line + 1]),
      [
        ['/app/client.js', 9],
        ['/app/client.js', 10],
      ],
    );
    assert.equal(finding.fixes.length, 1, 'the race fix');
    assert.deepEqual(
      await testAnalyzer().analyze(CALLER, 'javascript'),
      [],
      'without the summaries the caller shows nothing to find',
    );
  });
});
