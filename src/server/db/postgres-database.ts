import { readFileSync } from 'node:fs';
import pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { TransactionScope, type Database, type SqlValue } from './sql.ts';

/** The first key of np2dfw's advisory locks (`np2d`); the second names the lock. */
const LOCK_SPACE = 0x6e703264;
const MIGRATION_LOCK = 1;
const IMPORT_LOCK = 2;

/** Whether a `--db` value names a PostgreSQL database. */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** A PostgreSQL URL with its password replaced by `***`: what messages and logs may show. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(a URL that does not parse)';
  }
}

/** The sslmode values np2dfw understands (libpq's, without `allow` and `prefer`, which may silently go plain). */
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

/**
 * What a connection to PostgreSQL needs, resolved (the password read from wherever it comes from, the CA's PEM
 * text): plain data, so that it can be handed to a worker thread (never logged: it holds the password).
 */
export interface PostgresSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user?: string;
  readonly password?: string;
  readonly sslMode: typeof SSL_MODES[number];
  readonly ca?: string;
  readonly applicationName: string;
  readonly connectTimeoutMs: number;
  /** Connections of the pool. */
  readonly max: number;
  /** The URL without its password, for messages. */
  readonly location: string;
}

/**
 * The connection settings of a PostgreSQL URL. The password comes from the URL (NP2DFW_DB_URL), else the file
 * named by NP2DFW_DB_PASSWORD_FILE, else PGPASSWORD. TLS: `sslmode` in the URL (disable, require, verify-ca,
 * verify-full); NP2DFW_DB_CA names the CA's PEM file (with it, the default is verify-full). A Unix socket:
 * `?host=/run/postgresql` or a percent-encoded path as the host.
 */
export function postgresSettings(url: string, env: NodeJS.ProcessEnv): PostgresSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`the database URL ${redactUrl(url)} does not parse: use postgres://USER@HOST:PORT/DB`);
  }
  const q = u.searchParams;
  for (const k of q.keys()) {
    if (!['host', 'port', 'sslmode', 'application_name', 'connect_timeout', 'max'].includes(k)) {
      throw new Error(`the database URL ${redactUrl(url)}: parameter ${k} is not supported (use host, port, sslmode, application_name, connect_timeout, max)`);
    }
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`the database URL ${redactUrl(url)} names no database: postgres://USER@HOST:PORT/DB`);
  const hostname = q.get('host') ?? decodeURIComponent(u.hostname.replace(/^\[(.*)\]$/, '$1'));
  const port = Number(q.get('port') ?? (u.port || 5432));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`the database URL ${redactUrl(url)}: port ${q.get('port') ?? u.port} is not a port`);
  let password: string | undefined = u.password ? decodeURIComponent(u.password) : undefined;
  if (password === undefined && env.NP2DFW_DB_PASSWORD_FILE) {
    try {
      password = readFileSync(env.NP2DFW_DB_PASSWORD_FILE, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new Error(`NP2DFW_DB_PASSWORD_FILE ${env.NP2DFW_DB_PASSWORD_FILE}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
    }
  }
  password ??= env.PGPASSWORD;
  const ca = env.NP2DFW_DB_CA ? readCa(env.NP2DFW_DB_CA) : undefined;
  const mode = q.get('sslmode') ?? (ca ? 'verify-full' : 'disable');
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new Error(`the database URL ${redactUrl(url)}: sslmode=${mode} is not supported: use ${SSL_MODES.join(', ')}`);
  }
  if ((mode === 'verify-ca' || mode === 'verify-full') && !ca) throw new Error(`sslmode=${mode} needs the CA's certificate: set NP2DFW_DB_CA to its PEM file`);
  const connectTimeout = Number(q.get('connect_timeout') ?? 10);
  const max = Number(q.get('max') ?? 10);
  const user = decodeURIComponent(u.username) || env.PGUSER || undefined;
  return {
    host: hostname || 'localhost', port, database, ...(user === undefined ? {} : { user }), ...(password === undefined ? {} : { password }),
    sslMode: mode as PostgresSettings['sslMode'], ...(ca === undefined ? {} : { ca }),
    applicationName: q.get('application_name') ?? 'np2dfw', connectTimeoutMs: connectTimeout * 1000,
    max: Number.isInteger(max) && max > 0 ? max : 10, location: redactUrl(url),
  };
}

/** node-postgres's pool configuration of resolved settings. */
export function poolConfig(s: PostgresSettings): pg.PoolConfig {
  const { ca, sslMode: mode } = s;
  const ssl: pg.PoolConfig['ssl'] = mode === 'disable' ? false
    : mode === 'require' ? (ca ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { rejectUnauthorized: false })
      : mode === 'verify-ca' ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined }
        : { ca, rejectUnauthorized: true };
  return {
    host: s.host, port: s.port, database: s.database, user: s.user, password: s.password, ssl,
    application_name: s.applicationName, connectionTimeoutMillis: s.connectTimeoutMs, max: s.max,
    // BIGINT and NUMERIC (COUNT, SUM, epoch milliseconds) as numbers: every value np2dfw stores is a safe integer
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  };
}

/** The connection settings of a PostgreSQL URL, as node-postgres takes them (see postgresSettings). */
export function postgresConfig(url: string, env: NodeJS.ProcessEnv): pg.PoolConfig {
  return poolConfig(postgresSettings(url, env));
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`NP2DFW_DB_CA ${path}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
  }
}

/** `?` placeholders numbered as PostgreSQL wants them (`$1`, `$2`, ...); quoted text is left alone. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === '\'' || ch === '"') {
      quote = ch;
      out += ch;
    } else {
      out += ch === '?' ? `$${++n}` : ch;
    }
  }
  return out;
}

/**
 * The server's PostgreSQL database: a pool of connections shared by the requests; a transaction has one
 * connection of its own for its whole life. Several replicas may use one database: what they must agree on is
 * decided by it (conditional updates, row locks, advisory locks).
 */
export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #scope = new TransactionScope<pg.PoolClient>();
  readonly #texts = new Map<string, string>();

  constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.location = location;
  }

  #text(sql: string): string {
    let t = this.#texts.get(sql);
    if (t === undefined) {
      t = numberPlaceholders(sql);
      if (this.#texts.size < 10_000) this.#texts.set(sql, t);
    }
    return t;
  }

  async #query<T>(sql: string, params: SqlValue[]): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    const on = this.#scope.current() ?? this.#pool;
    return on.query<T & pg.QueryResultRow>(this.#text(sql), params);
  }

  async all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return (await this.#query<T>(sql, params)).rows;
  }

  async get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return (await this.#query<T>(sql, params)).rows[0];
  }

  async run(sql: string, ...params: SqlValue[]): Promise<{ changes: number }> {
    return { changes: (await this.#query(sql, params)).rowCount ?? 0 };
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#within('BEGIN', fn);
  }

  snapshot<T>(fn: () => Promise<T>): Promise<T> {
    return this.#within('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  async #within<T>(begin: string, fn: () => Promise<T>): Promise<T> {
    if (this.#scope.current()) return fn();
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      try {
        const result = await this.#scope.run(client, fn);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((r: Error) => { broken = r; });
        throw e;
      }
    } finally {
      client.release(broken);
    }
  }

  async lockImports(): Promise<void> {
    const client = this.#scope.current();
    if (!client) throw new Error('lockImports outside a transaction');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, IMPORT_LOCK]);
  }

  async changeStamp(): Promise<string> {
    // the snapshot names the transactions in progress and the next one: any commit anywhere changes it
    const r = await this.get<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
    return r!.s;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  /**
   * Applies the migrations the database lacks, each in one transaction, under an advisory lock: of replicas
   * starting together, one migrates and the others wait, then find nothing to do. Returns the versions applied.
   */
  async migrate(migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
    const client = await this.#pool.connect();
    const applied: number[] = [];
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]);
      try {
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
        const row = (await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations')).rows[0];
        const current = row.v ?? 0;
        const newest = migrations.length ? migrations[migrations.length - 1].version : 0;
        if (current > newest) {
          throw new Error(`the database's schema is version ${current}, newer than this np2dfw knows (${newest}); use a newer np2dfw`);
        }
        for (const m of migrations) {
          if (m.version <= current) continue;
          await client.query('BEGIN');
          try {
            await client.query(m.postgres ?? m.sql);
            await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK');
            throw new Error(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
          }
          applied.push(m.version);
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
    return applied;
  }
}

/**
 * A pool on resolved settings, without migrating (the schema is the server's to bring up to date): what the
 * import worker opens. A connection that breaks while idle is dropped and reported without the password.
 */
export function connectPostgres(settings: PostgresSettings): PostgresDatabase {
  const pool = new pg.Pool(poolConfig(settings));
  // an idle connection that breaks (the database restarted) is dropped from the pool; the next query reconnects
  pool.on('error', (e) => process.stderr.write(`np2dfw: a connection to the database ${settings.location} broke: ${e.message}\n`));
  return new PostgresDatabase(pool, settings.location);
}

/** Connects to a PostgreSQL database (see postgresSettings) and brings its schema up to date. */
export async function openPostgres(url: string, env: NodeJS.ProcessEnv = process.env, migrations: readonly Migration[] = MIGRATIONS): Promise<PostgresDatabase> {
  const db = connectPostgres(postgresSettings(url, env));
  try {
    await db.migrate(migrations);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw new Error(`the database ${redactUrl(url)}: ${(e as Error).message}`);
  }
  return db;
}
