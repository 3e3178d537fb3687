import type { Finding } from '../../core/src/index';

/** Every dbus-lint diagnostic's `source`. */
export const SOURCE = 'dbus-lint';

/** The diagnostic code of an in-source suppression that suppressed nothing. */
export const UNUSED_SUPPRESSION_CODE = 'unused-suppression';

/** The diagnostic code of the information shown instead of silence when a file is not analysed. */
export const NOT_ANALYSED_CODE = 'not-analysed';
/** The code of the diagnostic saying a file has more findings than the editor is shown. */
export const MORE_FINDINGS_CODE = 'more-findings';

/** The code of a problem in dbus-lint.json, published on that file. */
export const CONFIG_PROBLEM_CODE = 'invalid-config';

/** What a diagnostic carries in `data`, so code actions and the replay never re-parse the file. */
export interface DiagnosticData {
  ruleId: Finding['ruleId'];
  fixes: Finding['fixes'];
  /** The "Suppress <rule> on this line" edit (absent on unused-suppression hints). */
  suppressFix?: Finding['suppressFix'];
  call: Finding['data'];
}
