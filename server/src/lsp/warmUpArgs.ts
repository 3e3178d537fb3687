// `--warm-up=rust,typescriptreact`: the languages (LSP language ids) the analysis thread prepares as soon as it
// starts, before the first document arrives. The VS Code client passes the languages of the editors visible at
// start; other editors get Rust, as before the option existed. An unknown id is ignored, not fatal: the option
// only moves work earlier.
import { languageForLspId, type LanguageId } from '../../../core/src/index';

const DEFAULT_WARM_UP: LanguageId[] = ['rust'];

export function warmUpFromArgv(argv: readonly string[]): LanguageId[] {
  const option = argv.find((arg) => arg.startsWith('--warm-up='));
  if (option === undefined) return DEFAULT_WARM_UP;
  const wanted = option
    .slice('--warm-up='.length)
    .split(',')
    .map((id) => languageForLspId(id))
    .filter((language): language is LanguageId => language !== undefined);
  return wanted.length > 0 ? [...new Set(wanted)] : DEFAULT_WARM_UP;
}
