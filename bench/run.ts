// `npm run bench`: every speed target of the project in one run, one table. `npm run bench -- scan keystroke`
// runs some. Each target measures its own anchor (ast-grep, the bare parse, node -e 0, a trivial
// extension) in the same run, so the ratios hold however busy the machine is.
import { run as activation } from './activation.bench';
import { run as singleFile } from './analysis.bench';
import { run as faultBus } from './faultBus.bench';
import { run as workspaceIndex } from './index.bench';
import { run as keystroke } from './keystroke.bench';
import { run as memory } from './memory.bench';
import { printRows, type BenchRow } from './report';
import { run as scan } from './scan.bench';
import { run as startup } from './startup.bench';

const TARGETS: Record<string, () => Promise<BenchRow[]>> = {
  scan,
  'single-file': singleFile,
  keystroke,
  startup,
  activation,
  memory,
  'fault-bus': faultBus,
  index: workspaceIndex,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in TARGETS));
  if (unknown.length > 0) {
    console.error(`unknown bench target(s): ${unknown.join(', ')}; targets: ${Object.keys(TARGETS).join(', ')}`);
    process.exit(2);
  }
  const rows: BenchRow[] = [];
  for (const name of wanted.length > 0 ? wanted : Object.keys(TARGETS)) {
    const started = performance.now();
    process.stderr.write(`bench: ${name}…\n`);
    try {
      rows.push(...(await TARGETS[name]()));
    } catch (error) {
      // One target that cannot run (no corpus, no code-server) must not hide the others' figures.
      const reason = error instanceof Error ? error.message : String(error);
      rows.push({ target: name, figure: 'not measured', anchor: '', goal: '', met: false, note: reason });
    }
    process.stderr.write(`bench: ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  console.log('');
  printRows(rows);
  if (rows.some((row) => !row.met)) process.exitCode = 1;
}

void main();
