// The stdio transport with a framing check: the stock reader reports a bad header (a Content-Length that
// is not a number, a header line without ':') as an error event nobody handles, keeps the bad bytes in
// its buffer and never reads another message — a live server that answers nothing. There is no way to
// find the next message boundary in a byte stream whose framing broke, so the server says why and exits;
// the client sees it die and restarts it.
import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';

export function stdioTransport(): [StreamMessageReader, StreamMessageWriter] {
  const reader = new StreamMessageReader(process.stdin);
  reader.onError((error) => {
    // A body that is not JSON leaves the framing intact: the reader has moved past it and reads on.
    if (error instanceof SyntaxError) {
      process.stderr.write(`dbus-lint language server: ignored an LSP message that is not JSON (${error.message})\n`);
      return;
    }
    // stderr: stdout is the LSP channel, and its framing is what broke.
    process.stderr.write(
      `dbus-lint language server: unreadable LSP input (${error.message}); exiting so the client can restart the server\n`,
    );
    process.exit(1);
  });
  return [reader, new StreamMessageWriter(process.stdout)];
}
