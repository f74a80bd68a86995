// The import worker yields the CPU to the request thread: on Linux a thread has its own nice value, so the worker
// lowers its own (setpriority on its thread id) and the scheduler then gives a runnable request thread most of a
// shared core. The worker's heap and its loops are left alone: a heap limit would make a large import fail instead
// of run, and a loop that yields only adds work when the kernel already preempts the thread.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value the import worker runs at (0 normal, 19 lowest): about a tenth of a core's share against 0. */
export const IMPORT_WORKER_NICE = 10;

/** This thread's kernel thread id (Linux: /proc/thread-self links to /proc/PID/task/TID), or undefined elsewhere. */
export function currentThreadId(): number | undefined {
  try {
    const m = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowers the calling thread's scheduling priority to `nice` (only this thread: the rest of the process keeps its
 * own). Returns whether it did; where threads have no priority of their own (not Linux) nothing changes.
 */
export function lowerThreadPriority(nice: number = IMPORT_WORKER_NICE): boolean {
  const tid = currentThreadId();
  if (tid === undefined) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false; // e.g. a sandbox forbids setpriority: the worker runs at the process's priority
  }
}
