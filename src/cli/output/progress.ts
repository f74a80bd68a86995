import type { Command } from 'commander';
import type { ProgressCallback } from '../../evaluate/progress.ts';

/** Reports progress of long work on stderr, only when stderr is a terminal (never into pipes or files). */
export interface Progress {
  /** Shows `what` (replacing the previous message), once the work has taken longer than the delay. */
  update(what: string): void;
  /** Clears the line. */
  done(): void;
}

/**
 * A progress line on stderr when it is a TTY; otherwise a reporter that does nothing. Work that ends within
 * `delayMs` shows nothing at all, so quick commands do not flicker.
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr, delayMs = 300): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  const start = Date.now();
  let shown = false;
  return {
    update(what: string) {
      if (Date.now() - start < delayMs) return;
      stream.write(`\r\x1b[K${what}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

/** Adds `--progress` to a command that can run long. */
export function addProgressOption(cmd: Command): Command {
  return cmd.option('--progress', 'report progress on stderr as plain lines, also when stderr is not a terminal (a pipe, a file, a CI log)');
}

/** A progress callback for the work, and `done` to call once it has ended (clears the terminal line). */
export interface ProgressReporter {
  readonly report: ProgressCallback;
  done(): void;
}

/**
 * Where progress goes: on a terminal, one updating line (after `delayMs`); with `--progress` when stderr is not a
 * terminal, plain lines `np2dfw: PHASE: DONE of TOTAL`, one when a phase starts and one each tenth of its work;
 * otherwise nowhere.
 */
export function progressReporter(lines: boolean | undefined, stream: NodeJS.WriteStream = process.stderr, delayMs = 300): ProgressReporter {
  if (stream.isTTY) {
    const p = stderrProgress(stream, delayMs);
    return { report: ({ done, total, what }) => p.update(`np2dfw: ${what} (${done} of ${total})...`), done: () => p.done() };
  }
  if (!lines) return { report() {}, done() {} };
  let lastPhase: string | undefined;
  let lastTenth = -1;
  return {
    report({ done, total, what: phase }) {
      const tenth = total > 0 ? Math.floor((done * 10) / total) : 10;
      if (phase === lastPhase && tenth === lastTenth) return;
      lastPhase = phase;
      lastTenth = tenth;
      stream.write(`np2dfw: ${phase}: ${done} of ${total}\n`);
    },
    done() {},
  };
}

/** Runs one step of a command as a phase of its own: `0 of 1` when it starts, `1 of 1` when it has ended. */
export async function inPhase<T>(progress: ProgressReporter, phase: string, step: () => T | Promise<T>): Promise<T> {
  progress.report({ done: 0, total: 1, what: phase });
  try {
    return await step();
  } finally {
    progress.report({ done: 1, total: 1, what: phase });
    progress.done();
  }
}
