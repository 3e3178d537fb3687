// LSP positions (line, UTF-16 character) and string offsets, both ways, for text the core is handed.
import type { Position } from './types';

/** The UTF-16 offset of an LSP position in `text` (a character past the line's end stops at the line's end). */
export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + position.character, lineEnd < 0 ? text.length : lineEnd);
}

/** The LSP position of a UTF-16 offset in `text` (an offset past the end stops at the end). */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: Math.min(offset, text.length) - lineStart };
}
