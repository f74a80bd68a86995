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
