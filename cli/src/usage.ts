/** A mistake in how the CLI was called: exit 2 with a message that says what to fix. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (a long check then shows a progress line there). */
  stderrIsTTY?: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A CLI subcommand: parses its own arguments and returns the exit code. */
export type Command = (args: string[], io: Io) => Promise<number>;
