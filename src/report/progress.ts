// Progress of long work, as the work reports it: how much of how much is done, and in which phase.

/** Called as work advances: `done` of `total` units, in `phase` (a few words, such as `computing 80/TCP`). */
export type ProgressCallback = (done: number, total: number, phase: string) => void;
