// How long evaluation work (verify's matrices, reach's ports) says how far it got: a callback the caller renders
// (the CLI as a line on a terminal, or as lines on stderr with --progress). Evaluation itself never writes.

/** One step of long work: `done` of `total` units, and what is being done. */
export interface ProgressEvent {
  readonly done: number;
  readonly total: number;
  /** What the work is at, as a phrase (`IPv4, 80/TCP`). */
  readonly what: string;
}

/** Told each step of long work. */
export type ProgressCallback = (event: ProgressEvent) => void;
