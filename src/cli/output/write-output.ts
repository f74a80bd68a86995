/** How much text is gathered before one write. */
const BATCH_CHARS = 1 << 20;

let pipeWatched = false;

/**
 * Ends quietly when the reader of stdout goes away (`np2dfw reach ... | head`): a closed pipe means nobody
 * wants the rest, which is no error and never a stack trace.
 */
function watchClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

/** Writes output pieces to stdout in batches of about a megabyte, never as one huge string. */
export function writeChunks(chunks: Iterable<string>): void {
  watchClosedPipe();
  let batch: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    batch.push(chunk);
    size += chunk.length;
    if (size >= BATCH_CHARS) {
      process.stdout.write(batch.join(''));
      batch = [];
      size = 0;
    }
  }
  if (batch.length) process.stdout.write(batch.join(''));
}
