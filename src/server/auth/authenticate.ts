import { createHash, randomBytes } from 'node:crypto';
import type { UserStore } from '../store/user-store.ts';
import { ApiError, ERROR_CODES } from '../http/api-error.ts';
import type { Principal } from './roles.ts';
import type { LoginGuard } from './login-guard.ts';

/** NSX's answer to a wrong password or a locked account (it does not say which). */
export const BAD_CREDENTIALS = 'The credentials were incorrect or the account specified has been locked.';

/** How long a verified credential is remembered (scrypt is slow on purpose; a client sends the same header often). */
const CACHE_MS = 60_000;
const CACHE_MAX = 1000;

/**
 * How old the database's credentials epoch may be before a cached credential is trusted: a change made through
 * another replica (or `np2dfw user` on the database) takes effect here within this time plus one query.
 */
export const EPOCH_MAX_AGE_MS = 500;

/**
 * Checks the Authorization header: `Basic base64(user:password)` or `Bearer <token>`. Verified credentials are
 * remembered for a minute under a keyed hash of the header (never the header itself), and forgotten when any
 * user or token changes: at once for a change made by this process, within EPOCH_MAX_AGE_MS for one made by
 * another replica on the same database (the credentials epoch, read at most once per EPOCH_MAX_AGE_MS).
 */
export class Authenticator {
  readonly #users: UserStore;
  readonly #key = randomBytes(32);
  readonly #cache = new Map<string, { principal: Principal; until: number; epoch: string }>();
  readonly #guard: LoginGuard;
  #dbEpoch = 0;
  #dbEpochReadAt = -Infinity;

  constructor(users: UserStore, guard: LoginGuard) {
    this.#users = users;
    this.#guard = guard;
  }

  /**
   * The principal of a request's Authorization header; 401 when it is missing or wrong, or the account is locked.
   * `client` (the caller's address) is for the aggregated audit of failures.
   */
  async authenticate(header: string | undefined, client: string): Promise<Principal> {
    if (!header) {
      this.#guard.refused(client, 'no credentials');
      throw unauthorized('credentials required: HTTP basic (user and password) or a bearer token');
    }
    const basicUser = basicUserOf(header);
    if (basicUser !== undefined && this.#guard.lockedFor(basicUser) > 0) {
      this.#guard.refused(client, `login of locked account ${basicUser.slice(0, 64)}`);
      throw unauthorized(BAD_CREDENTIALS);
    }
    const cacheKey = createHash('sha256').update(this.#key).update(header).digest('base64');
    // read before the check: a change made while scrypt runs makes the entry stale at the next request
    const epoch = await this.#epoch();
    const hit = this.#cache.get(cacheKey);
    if (hit && hit.until > Date.now() && hit.epoch === epoch) return hit.principal;
    let principal: Principal | undefined;
    try {
      principal = await this.#check(header);
    } catch (e) {
      this.#guard.refused(client, 'an Authorization header of an unsupported scheme');
      throw e;
    }
    if (!principal) {
      if (basicUser !== undefined) {
        this.#guard.failed(basicUser.slice(0, 64), client);
        throw unauthorized(BAD_CREDENTIALS);
      }
      this.#guard.refused(client, 'an invalid token');
      throw unauthorized('the user name and password, or the token, are not valid');
    }
    if (basicUser !== undefined) this.#guard.succeeded(basicUser);
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(cacheKey, { principal, until: Date.now() + CACHE_MS, epoch });
    return principal;
  }

  /** This process's generation of credentials and the database's epoch, read again when older than EPOCH_MAX_AGE_MS. */
  async #epoch(): Promise<string> {
    const now = performance.now();
    if (now - this.#dbEpochReadAt >= EPOCH_MAX_AGE_MS) {
      this.#dbEpoch = await this.#users.credentialsEpoch();
      this.#dbEpochReadAt = now;
    }
    return `${this.#users.generation}/${this.#dbEpoch}`;
  }

  async #check(header: string): Promise<Principal | undefined> {
    const space = header.indexOf(' ');
    const scheme = space < 0 ? header : header.slice(0, space);
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return undefined;
      return this.#users.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1));
    }
    if (scheme.toLowerCase() === 'bearer') return this.#users.checkToken(value);
    // never echo the header: without a scheme, what was sent may be the credential itself
    throw unauthorized('the Authorization header\'s scheme is not supported: use "Basic <base64 of user:password>" or "Bearer <token>"');
  }
}

/** The user name of a Basic header (undefined for other schemes or a malformed one). */
function basicUserOf(header: string): string | undefined {
  const m = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, ERROR_CODES.NOT_AUTHENTICATED, message);
}
