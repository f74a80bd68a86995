/**
 * Per-client request rate limiting (a token bucket per client address), as NSX limits API clients: NSX's
 * `client_api_rate_limit` is 100 requests per second per client. A request over the limit gets 429 with
 * `Retry-After`. The bucket holds `burst` tokens, so short bursts (a client paging a list) pass.
 */
export interface RateLimitPolicy {
  /** Requests per second per client (0: no limit). */
  readonly perSecond: number;
  /** The most requests a client may send at once after being idle. */
  readonly burst: number;
}

/** NSX's per-client rate (100/s), with a burst of 200. */
export const NSX_RATE_LIMIT: RateLimitPolicy = { perSecond: 100, burst: 200 };

const MAX_CLIENTS = 10_000;

export class RateLimiter {
  readonly #policy: RateLimitPolicy;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(policy: RateLimitPolicy, now: () => number = Date.now) {
    this.#policy = policy;
    this.#now = now;
  }

  /** Takes one token for `client`: 0 when the request may go on, else the milliseconds until it may retry. */
  take(client: string): number {
    if (this.#policy.perSecond <= 0) return 0;
    const now = this.#now();
    const b = this.#buckets.get(client) ?? { tokens: this.#policy.burst, at: now };
    b.tokens = Math.min(this.#policy.burst, b.tokens + ((now - b.at) / 1000) * this.#policy.perSecond);
    b.at = now;
    this.#buckets.delete(client);
    this.#buckets.set(client, b);
    if (this.#buckets.size > MAX_CLIENTS) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.#policy.perSecond) * 1000);
  }
}
