/** Reports progress of long work on stderr, only when stderr is a terminal (never into pipes or files). */
export interface Progress {
  /** Shows `what` (replacing the previous message). */
  update(what: string): void;
  /** Clears the line. */
  done(): void;
}

/** A progress line on stderr when it is a TTY; otherwise a reporter that does nothing. */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  let shown = false;
  return {
    update(what: string) {
      stream.write(`\r\x1b[K${what}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
