// The workspace scan's file-level gate: one regex pass that says whether a file can matter at all,
// before anything else looks at it. Most files in a workspace never mention D-Bus; they need no parse
// and no per-rule text test.

/**
 * Case-insensitive words, one of which every rule's `mayApply` needs before it can say yes:
 * - `bus` covers D-Bus itself (`dbus`, `D-Bus`, `/run/user/…/bus`, `session_bus`, `systemBus`), every
 *   library import (`zbus`, `dbus::`, `rustbus`, `async_rustbus`, `dbus-next`, `dbus-native`) and the
 *   suppression comments (`dbus-lint-ignore`), whose unused ones are findings too;
 * - the rest are the other words of DBUS_EVIDENCE (libraries/model.ts), each cut to a part it always has.
 * Letter classes instead of the `i` flag: the same speed in V8, and the pattern reads as the words it holds.
 * test/unit/prefilter.test.ts proves that no rule applies (and no finding appears) where this says no.
 */
const MAY_MATTER =
  /[bB][uU][sS]|[fF][rR][eE][eE][dD][eE][sS][kK]|[aA][uU][tT][hH] [eE][xX][tT]|[nN][aA][mM][eE][aA][cC][qQ]|[mM][eE][tT][hH][oO][dD]_?(?:[cC][aA][lL][lL]|[rR][eE][tT][uU][rR][nN])|[uU][nN][iI][xX]:[pP][aA][tT][hH]=|[rR][eE][pP][lL][yY]_?[sS][eE][rR][iI][aA][lL]|[nN][eE][gG][oO][tT][iI][aA][tT][eE]_[uU][nN][iI][xX]|[bB][eE][gG][iI][nN]\\[rR]|[bB]'[lL]'/;

/**
 * False when no rule can report anything in `text` (so `analyze` would return no finding without
 * parsing); true when the file may hold D-Bus code and must go through `analyze`.
 */
export function mayMatter(text: string): boolean {
  return MAY_MATTER.test(text);
}
