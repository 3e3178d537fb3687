// The globs of `dbus-lint.json`'s "ignore", matched against a path relative to the config's folder with `/`
// separators, as .gitignore reads them: `*` and `?` stay within one path segment, `**` spans segments, a
// pattern without a `/` (other than a trailing one) matches a name at any depth, and a pattern that matches a
// folder ignores everything under it. A leading `/` anchors the pattern to the config's folder.

function segmentToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing or lone `**` anything below.
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:[^/]*(?:/|$))*' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** A test for relative paths (`src/gen/x.rs`); true when the path or a folder above it matches a glob. */
export function ignoreMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  if (globs.length === 0) return () => false;
  const sources = globs.map((glob) => {
    let body = glob.trim().replace(/\/+$/, '');
    const anchored = body.startsWith('/') || body.includes('/');
    body = body.replace(/^\/+/, '');
    return (anchored ? '^' : '^(?:.*/)?') + segmentToRegExp(body) + '(?:/.*)?$';
  });
  const pattern = new RegExp(sources.join('|'));
  return (relativePath) => pattern.test(relativePath.replace(/\\/g, '/'));
}
