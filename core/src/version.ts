// Replaced at bundle time by esbuild's `define`; the fallback serves runs from source (tests via tsx).
declare const DBUS_LINT_VERSION: string | undefined;
export const VERSION: string = typeof DBUS_LINT_VERSION === 'string' ? DBUS_LINT_VERSION : '0.0.0-dev';
