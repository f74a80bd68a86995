import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { hashSecret, verifySecret } from '../auth/password-hash.ts';
import type { Principal, Role } from '../auth/roles.ts';

/** A user as the API shows it (never its hash). */
export interface UserView {
  /** The login name. */
  readonly name: string;
  /** The role identifier. */
  readonly role: Role;
  /** For an adapter: its cluster. */
  readonly cluster?: string;
  /** Whether the user can log in with a password (else only with tokens). */
  readonly has_password: boolean;
  /** When the user was created (epoch ms). */
  readonly created_at: number;
}

interface UserRow {
  name: string;
  role: Role;
  cluster: string | null;
  password_hash: string | null;
  created_at: number;
}

/** The allowed shape of a user name. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function view(row: UserRow): UserView {
  return {
    name: row.name,
    role: row.role,
    ...(row.cluster !== null ? { cluster: row.cluster } : {}),
    has_password: row.password_hash !== null,
    created_at: row.created_at,
  };
}

/** Users and API tokens, stored with scrypt hashes of their secrets. */
export class UserStore {
  readonly #db: Database;
  /**
   * Bumped on every change by this process, so that its cache of verified credentials notices at once; the
   * database's credentials epoch (credentialsEpoch) is bumped with it, in the change's transaction, for the other
   * replicas.
   */
  generation = 0;
  #dummy?: Promise<string>;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Notes a change of credentials: in this process, and in the database for the other replicas. */
  async #changed(): Promise<void> {
    await this.#db.run("UPDATE epochs SET value = value + 1 WHERE name = 'credentials'");
    this.generation++;
  }

  /** The database's credentials epoch: grows with every change of a user or token, by any replica. */
  async credentialsEpoch(): Promise<number> {
    const value = (await this.#db.get<{ value: unknown }>("SELECT value FROM epochs WHERE name = 'credentials'"))?.value;
    if (typeof value !== 'number' && typeof value !== 'bigint' && !(typeof value === 'string' && /^[0-9]+$/.test(value))) {
      throw new Error('the database has no credentials epoch (table epochs): its schema is damaged');
    }
    return Number(value);
  }

  /** Every user, by name. */
  async list(): Promise<UserView[]> {
    return (await this.#db.all<UserRow>('SELECT * FROM users ORDER BY name')).map(view);
  }

  /** One user, or undefined. */
  async get(name: string): Promise<UserView | undefined> {
    const row = await this.#db.get<UserRow>('SELECT * FROM users WHERE name = ?', name);
    return row ? view(row) : undefined;
  }

  /** The number of users. */
  async count(): Promise<number> {
    return (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))!.n;
  }

  /** Adds or replaces a user; the password is hashed first (undefined: no password login). */
  async upsert(name: string, role: Role, cluster: string | undefined, password: string | undefined): Promise<UserView> {
    return this.upsertHashed(name, role, cluster, password === undefined ? null : await hashSecret(password));
  }

  /**
   * Adds or replaces a user with a password hash made by hashSecret (null: keep the present one, or none).
   * No hashing here, so that a caller can write it in one short transaction with its audit entry.
   */
  async upsertHashed(name: string, role: Role, cluster: string | undefined, hash: string | null): Promise<UserView> {
    const now = Date.now();
    await this.#db.run(`INSERT INTO users (name, role, cluster, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET role = excluded.role, cluster = excluded.cluster,
        password_hash = COALESCE(excluded.password_hash, users.password_hash), updated_at = excluded.updated_at`,
    name, role, cluster ?? null, hash, now, now);
    await this.#changed();
    return (await this.get(name))!;
  }

  /** Removes a user and its tokens. Returns whether it existed. */
  async remove(name: string): Promise<boolean> {
    const r = await this.#db.run('DELETE FROM users WHERE name = ?', name);
    await this.#changed();
    return Number(r.changes) > 0;
  }

  /** Creates a token for a user; returns the token, shown only this once: `np2dfw_<id>_<secret>`. */
  async createToken(userName: string, description: string): Promise<{ id: string; token: string }> {
    const t = await newToken();
    await this.storeToken(userName, description, t);
    return { id: t.id, token: t.token };
  }

  /** Stores a token made by newToken (no hashing here: one short transaction with its audit entry). */
  async storeToken(userName: string, description: string, t: NewToken): Promise<void> {
    await this.#db.run('INSERT INTO tokens (id, user_name, secret_hash, description, created_at) VALUES (?, ?, ?, ?, ?)',
      t.id, userName, t.hash, description, Date.now());
    await this.#changed();
  }

  /** Lists a user's tokens (ids and descriptions, never secrets). */
  tokensOf(userName: string): Promise<{ id: string; description: string; created_at: number }[]> {
    return this.#db.all<{ id: string; description: string; created_at: number }>(
      'SELECT id, description, created_at FROM tokens WHERE user_name = ? ORDER BY created_at, id', userName);
  }

  /** Revokes a token. Returns whether it existed. */
  async revokeToken(userName: string, id: string): Promise<boolean> {
    const r = await this.#db.run('DELETE FROM tokens WHERE id = ? AND user_name = ?', id, userName);
    await this.#changed();
    return Number(r.changes) > 0;
  }

  /** Checks a user name and password; the principal when they match. */
  async checkPassword(name: string, password: string): Promise<Principal | undefined> {
    const row = await this.#db.get<UserRow>('SELECT * FROM users WHERE name = ?', name);
    if (!row || row.password_hash === null) {
      // spend the same scrypt work, so that the answer's timing does not tell which users exist
      await verifySecret(password, await this.#dummyHash());
      return undefined;
    }
    if (!(await verifySecret(password, row.password_hash))) return undefined;
    return principalOf(row);
  }

  #dummyHash(): Promise<string> {
    this.#dummy ??= hashSecret(randomBytes(16).toString('hex'));
    return this.#dummy;
  }

  /** Checks a token; the principal of its user when it is valid. */
  async checkToken(token: string): Promise<Principal | undefined> {
    const m = /^np2dfw_([0-9a-f]{12})_([A-Za-z0-9_-]+)$/.exec(token);
    if (!m) return undefined;
    const row = await this.#db.get<UserRow & { secret_hash: string }>(`SELECT t.secret_hash AS secret_hash, u.* FROM tokens t JOIN users u ON u.name = t.user_name
      WHERE t.id = ?`, m[1]);
    if (!row || !(await verifySecret(m[2], row.secret_hash))) return undefined;
    return principalOf(row);
  }
}

/** A token not stored yet: its id, the token to show once, and the hash to store. */
export interface NewToken {
  readonly id: string;
  readonly token: string;
  readonly hash: string;
}

/** Makes a random token and its scrypt hash. */
export async function newToken(): Promise<NewToken> {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { id, token: `np2dfw_${id}_${secret}`, hash: await hashSecret(secret) };
}

function principalOf(row: UserRow): Principal {
  return { name: row.name, role: row.role, ...(row.cluster !== null ? { cluster: row.cluster } : {}) };
}
