import { createHash, randomBytes } from 'node:crypto';
import type { UserStore } from '../store/user-store.ts';
import { ApiError, ERROR_CODES } from '../http/api-error.ts';
import type { Principal } from './roles.ts';

/** How long a verified credential is remembered (scrypt is slow on purpose; a client sends the same header often). */
const CACHE_MS = 60_000;
const CACHE_MAX = 1000;

/**
 * Checks the Authorization header: `Basic base64(user:password)` or `Bearer <token>`. Verified credentials are
 * remembered for a minute under a keyed hash of the header (never the header itself), and forgotten at once when
 * any user or token changes.
 */
export class Authenticator {
  readonly #users: UserStore;
  readonly #key = randomBytes(32);
  readonly #cache = new Map<string, { principal: Principal; until: number; generation: number }>();

  constructor(users: UserStore) {
    this.#users = users;
  }

  /** The principal of a request's Authorization header; 401 when it is missing or wrong. */
  async authenticate(header: string | undefined): Promise<Principal> {
    if (!header) throw unauthorized('credentials required: HTTP basic (user and password) or a bearer token');
    const cacheKey = createHash('sha256').update(this.#key).update(header).digest('base64');
    const hit = this.#cache.get(cacheKey);
    if (hit && hit.until > Date.now() && hit.generation === this.#users.generation) return hit.principal;
    const principal = await this.#check(header);
    if (!principal) throw unauthorized('the user name and password, or the token, are not valid');
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(cacheKey, { principal, until: Date.now() + CACHE_MS, generation: this.#users.generation });
    return principal;
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

function unauthorized(message: string): ApiError {
  return new ApiError(401, ERROR_CODES.NOT_AUTHENTICATED, message);
}
