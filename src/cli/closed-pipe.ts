let pipeWatched = false;

/**
 * Ends quietly when the reader of stdout goes away (`np2dfw ... | head`): a closed pipe means nobody wants the
 * rest, which is no error and never a stack trace. Installed once for the process by the CLI's entry points.
 */
export function endQuietlyOnClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}
