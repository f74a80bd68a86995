import { countOf } from '../../evaluate/counts.ts';

/**
 * Brute-force protection of password logins, as NSX's authentication policy does it (its defaults): after
 * `maxFailures` (5) wrong passwords for one user within `resetSeconds` (900 s), the account is locked for
 * `lockSeconds` (900 s): every password login of it is refused, the right password too, without spending scrypt.
 * Failures are counted per user name whether or not the user exists (so the lock does not tell which exist).
 * Failed logins and unauthenticated requests are audited in aggregate: one audit entry per (user, client) and
 * window, plus one when an account is locked, never one per request.
 */
export interface LockoutPolicy {
  /** Wrong passwords that lock an account (NSX: api_max_auth_failures 5). 0: never lock. */
  readonly maxFailures: number;
  /** How long failures are remembered (NSX: api_failed_auth_reset_period 900 s). */
  readonly resetSeconds: number;
  /** How long an account stays locked (NSX: api_failed_auth_lockout_period 900 s). */
  readonly lockSeconds: number;
}

/** NSX's defaults. */
export const NSX_LOCKOUT: LockoutPolicy = { maxFailures: 5, resetSeconds: 900, lockSeconds: 900 };

/** One aggregated audit entry. */
export interface FailureSummary {
  readonly action: 'auth.failure' | 'auth.lockout' | 'request.refused';
  readonly user: string;
  readonly client: string;
  readonly count: number;
  /** The HTTP status the requests got. */
  readonly status: number;
  readonly first: number;
  readonly last: number;
  readonly detail: string;
}

/** The most user names and clients remembered (older entries are dropped first). */
const MAX_TRACKED = 10_000;

export class LoginGuard {
  readonly #policy: LockoutPolicy;
  readonly #now: () => number;
  readonly #write: (s: FailureSummary) => void | Promise<void>;
  readonly #accounts = new Map<string, { failures: number[]; lockedUntil: number }>();
  readonly #pending = new Map<string, { action: FailureSummary['action']; user: string; client: string; count: number; status: number; first: number; last: number; why: string }>();

  constructor(policy: LockoutPolicy, write: (s: FailureSummary) => void | Promise<void>, now: () => number = Date.now) {
    this.#policy = policy;
    this.#write = write;
    this.#now = now;
  }

  /** Milliseconds the account stays locked (0: not locked). */
  lockedFor(user: string): number {
    const a = this.#accounts.get(user);
    return a ? Math.max(0, a.lockedUntil - this.#now()) : 0;
  }

  /** A wrong password for `user` from `client`. Returns whether this failure locked the account. */
  failed(user: string, client: string): boolean {
    const now = this.#now();
    this.#note('auth.failure', user, client, 'wrong user name or password', 401);
    if (this.#policy.maxFailures <= 0) return false;
    const a = this.#accounts.get(user) ?? { failures: [], lockedUntil: 0 };
    this.#accounts.delete(user);
    this.#accounts.set(user, a); // most recent last
    a.failures = a.failures.filter((t) => t > now - this.#policy.resetSeconds * 1000);
    a.failures.push(now);
    if (this.#accounts.size > MAX_TRACKED) this.#accounts.delete(this.#accounts.keys().next().value!);
    if (a.failures.length >= this.#policy.maxFailures && a.lockedUntil <= now) {
      a.lockedUntil = now + this.#policy.lockSeconds * 1000;
      a.failures = [];
      this.#write({ action: 'auth.lockout', user, client, count: this.#policy.maxFailures, status: 401, first: now, last: now,
        detail: `account locked for ${this.#policy.lockSeconds} s after ${this.#policy.maxFailures} wrong passwords within ${this.#policy.resetSeconds} s (the last from ${client})` });
      return true;
    }
    return false;
  }

  /** A successful password login: the failures of the user are forgotten. */
  succeeded(user: string): void {
    const a = this.#accounts.get(user);
    if (a && a.lockedUntil <= this.#now()) this.#accounts.delete(user);
  }

  /** A request refused before it was authenticated (no or bad credentials, a locked account, rate limited). */
  refused(client: string, why: string, status = 401): void {
    this.#note('request.refused', '-', client, why, status);
  }

  #note(action: FailureSummary['action'], user: string, client: string, why: string, status: number): void {
    const now = this.#now();
    const key = `${action}\u0000${user}\u0000${client}\u0000${why}`;
    const p = this.#pending.get(key);
    if (p) {
      p.count++;
      p.last = now;
    } else {
      if (this.#pending.size >= MAX_TRACKED) void this.flush();
      this.#pending.set(key, { action, user, client, count: 1, status, first: now, last: now, why });
    }
  }

  /**
   * Writes one audit entry per (action, user, client, reason) noted since the last flush. Called every minute.
   * Settles when the entries are written.
   */
  async flush(): Promise<void> {
    const entries = [...this.#pending.values()];
    this.#pending.clear();
    const writes: (void | Promise<void>)[] = [];
    for (const p of entries) {
      writes.push(this.#write({ action: p.action, user: p.user, client: p.client, count: p.count, status: p.status, first: p.first, last: p.last,
        detail: `${countOf(p.count, p.action === 'auth.failure' ? 'failed login' : 'refused request')} from ${p.client} between ${new Date(p.first).toISOString()} and ${new Date(p.last).toISOString()}: ${p.why}` }));
    }
    await Promise.all(writes);
  }
}
