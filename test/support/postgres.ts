// A real PostgreSQL for tests: Debian's server binaries, one cluster per test process in a temporary folder,
// listening only on a Unix socket there, run as an unprivileged user (initdb refuses root), stopped when the
// process exits. Each test gets a fresh database of its own.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A running test cluster. */
export interface PostgresCluster {
  /** The folder of its socket (and data). */
  readonly dir: string;
  /** The URL of a database of this cluster (no password: local trust authentication). */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
}

/** The folder of PostgreSQL's server binaries (the newest Debian installed), or undefined. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** The user the cluster runs as: `postgres` when it exists, else `nobody`; as is when not root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (r.status === 0) {
    const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
  }
  return { uid: 65534, gid: 65534 };
}

function run(bin: string, args: string[], as: { uid: number; gid: number } | undefined): void {
  const cmd = as ? 'setpriv' : bin;
  const full = as ? [`--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups', bin, ...args] : args;
  const r = spawnSync(cmd, full, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

let started: Promise<PostgresCluster> | undefined;
let counter = 0;

/** The process's test cluster, started at the first call. */
export function testPostgres(): Promise<PostgresCluster> {
  started ??= start();
  return started;
}

async function start(): Promise<PostgresCluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)');
  const as = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-pg-'));
  if (as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'np2dfw', '--auth=trust', '--no-sync', '--locale=C', '-E', 'UTF8'], as);
  const options = `-k ${dir} -c listen_addresses= -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=300`;
  run(join(bin, 'pg_ctl'), ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), '-o', options], as);
  process.on('exit', () => {
    spawnSync(as ? 'setpriv' : join(bin, 'pg_ctl'), as ? [`--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups', join(bin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate']
      : ['stop', '-D', data, '-m', 'immediate'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  const url = (database: string) => `postgres://np2dfw@localhost/${database}?host=${encodeURIComponent(dir)}`;
  return {
    dir, url,
    async createDatabase() {
      const name = `t${process.pid}_${++counter}`;
      const client = new pg.Client({ host: dir, user: 'np2dfw', database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE template0`);
      } finally {
        await client.end();
      }
      return url(name);
    },
  };
}
