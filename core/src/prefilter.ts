// The workspace scan's file-level gate: one regex pass that says whether a file can matter at all,
// before anything else looks at it. Most files in a workspace never mention D-Bus; they need no parse
// and no per-rule text test.
import { projectUsesDbus } from './libraries/index';
import type { ProjectContext } from './manifests';
import type { ImportedModule } from './summaries';

/**
 * Case-insensitive words, one of which every rule's `mayApply` needs before it can say yes: the
 * D-Bus signs of DBUS_EVIDENCE (libraries/model.ts: `dbus`, `D-Bus`, `/run/user/…`, `session_bus`,
 * `systemBus`, `org.freedesktop`, `AUTH EXTERNAL`, `NameAcquired`, `MethodCall`, `METHOD_RETURN`,
 * `unix:path=`, `reply_serial`, `NEGOTIATE_UNIX_FD`, `BEGIN\r\n`, `b'l'`), the library imports that do
 * not spell `dbus` (`zbus`, `rustbus`, `async_rustbus`), and the suppression comments (`dbus-lint-ignore`),
 * whose unused ones are findings too. A bare `bus` would do, but lets through three times as many files
 * (`business`, `abuse`, an I2C bus) that the rules' own tests then reject one regex at a time.
 * Letter classes instead of the `i` flag: the same speed in V8, and the pattern reads as the words it holds.
 * test/unit/prefilter.test.ts proves that no rule applies (and no finding appears) where this says no.
 */
const MAY_MATTER =
  /[dD]-?[bB][uU][sS]|[zZ][bB][uU][sS]|[rR][uU][sS][tT][bB][uU][sS]|\/[rR][uU][nN]\/[uU][sS][eE][rR]\/|(?:[sS][eE][sS][sS][iI][oO][nN]|[sS][yY][sS][tT][eE][mM])_?[bB][uU][sS]|[fF][rR][eE][eE][dD][eE][sS][kK][tT][oO][pP]|[aA][uU][tT][hH] [eE][xX][tT][eE][rR][nN][aA][lL]|[nN][aA][mM][eE][aA][cC][qQ][uU][iI][rR][eE][dD]|[mM][eE][tT][hH][oO][dD]_?(?:[cC][aA][lL][lL]|[rR][eE][tT][uU][rR][nN])|[uU][nN][iI][xX]:[pP][aA][tT][hH]=|[rR][eE][pP][lL][yY]_?[sS][eE][rR][iI][aA][lL]|[nN][eE][gG][oO][tT][iI][aA][tT][eE]_[uU][nN][iI][xX]_[fF][dD]|[bB][eE][gG][iI][nN]\\[rR]\\[nN]|[bB]'[lL]'/;

/**
 * False when no rule can report anything in `text` (so `analyze` would return no finding without
 * parsing); true when the file may hold D-Bus code and must go through `analyze`. In a project whose manifest
 * names a D-Bus library every file may: a module handed its bus by another file need not say D-Bus anywhere;
 * so may a file given the summaries of files it imports.
 */
export function mayMatter(
  text: string,
  context: { project?: ProjectContext; imported?: readonly ImportedModule[] } = {},
): boolean {
  const { project, imported } = context;
  // Imported summaries make calls of other files' functions findings, whatever this file says.
  return MAY_MATTER.test(text) || (!!project && projectUsesDbus(project)) || !!imported?.length;
}
