/** Where the CLI writes: JSON alone on stdout with --json; progress and notes on stderr. */

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export interface Out {
  json: boolean;
  /** A result: JSON on stdout with --json, else the human text. */
  result(value: unknown, human: string): void;
  /** A note for people (stderr). */
  note(text: string): void;
  progress: Progress;
}

export interface Progress {
  /** Redraw a one-line status (terminals only). */
  update(text: string): void;
  /** A permanent line (stderr). */
  line(text: string): void;
  done(): void;
}

export function makeOut(json: boolean): Out {
  const tty = Boolean(process.stderr.isTTY);
  let live = false;
  const progress: Progress = {
    update(text) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[2K${text}`);
      live = true;
    },
    line(text) {
      if (live) process.stderr.write('\r\x1b[2K');
      live = false;
      process.stderr.write(text + '\n');
    },
    done() {
      if (live) process.stderr.write('\r\x1b[2K');
      live = false;
    },
  };
  return {
    json,
    result(value, human) {
      progress.done();
      process.stdout.write(json ? JSON.stringify(value) + '\n' : human + '\n');
    },
    note(text) {
      progress.line(text);
    },
    progress,
  };
}

export function bar(fraction: number, width = 24): string {
  const n = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '[' + '#'.repeat(n) + '.'.repeat(width - n) + ']';
}

export function fmt(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined ? 'n/a' : v.toFixed(digits);
}
