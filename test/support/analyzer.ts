import { join } from 'node:path';
import { Analyzer } from '../../core/src/index';
import { grammarFolder } from '../../host/src/grammarFiles';

export const REPO_ROOT = join(__dirname, '..', '..');

let shared: Analyzer | undefined;

/** One analyzer per test process over the built grammars/ (web-tree-sitter is initialised once). */
export function testAnalyzer(): Analyzer {
  shared ??= new Analyzer(grammarFolder(join(REPO_ROOT, 'grammars')));
  return shared;
}
