import type { LibraryModel } from './model';

export const DBUS_NATIVE: LibraryModel = {
  id: 'dbus-native',
  displayName: 'dbus-native',
  language: 'js',
  imports: /(?:from\s+|require\s*\(\s*|import\s*\(\s*)['"](?:@[\w.-]+\/)?dbus-native['"]/,
  sends: ['invoke', 'call'],
  receives: [],
  receiveUnit: 'none',
  completeReads: [],
  timeoutDefault: 'dbus-native `invoke` waits for a reply forever unless it is given a non-zero `timeout` option',
};
