import { endQuietlyOnClosedPipe } from '../closed-pipe.ts';

/** How much text is gathered before one write. */
const BATCH_CHARS = 1 << 20;

/** Writes output pieces to stdout in batches of about a megabyte, never as one huge string. */
export function writeChunks(chunks: Iterable<string>): void {
  endQuietlyOnClosedPipe();
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
