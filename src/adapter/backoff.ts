/** Exponential backoff with full jitter: attempt n waits a random time in [base, min(cap, base * 2^n)]. */
export class Backoff {
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(baseMs = 200, capMs = 30_000, random: () => number = Math.random) {
    this.#baseMs = baseMs;
    this.#capMs = capMs;
    this.#random = random;
  }

  /** The next delay (and counts the attempt). */
  next(): number {
    const ceiling = Math.min(this.#capMs, this.#baseMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.round(this.#baseMs + this.#random() * Math.max(0, ceiling - this.#baseMs));
  }

  /** After a success: start again from the base delay. */
  reset(): void {
    this.#attempt = 0;
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
