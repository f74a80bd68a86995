import { isIP } from 'node:net';
import type { Command } from 'commander';
import { usageError } from '../cli-error.ts';
import { keyword } from '../input-options.ts';
import { FIRST_ADMIN, startServer } from '../../server/start-server.ts';
import { passwordProblem } from '../../server/auth/password-policy.ts';
import { isPostgresUrl } from '../../server/db/postgres-database.ts';
import { databaseOf, DB_OPTION_HELP, shownDatabase } from '../db-option.ts';

/** Parses `HOST:PORT` (`[::1]:8443` for IPv6). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw usageError(`--listen ${value}: use HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:8443`);
  return { host: m[1] ?? m[2], port };
}

/** Parses `--trust-proxy`: comma-separated IP addresses or CIDRs (`10.0.0.0/8`, `fd00::/8`). */
export function parseTrustProxy(value: string): string[] {
  const items = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  for (const item of items) {
    const [address, bits, extra] = item.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (family === 0 || !okBits || extra !== undefined) {
      throw usageError(`--trust-proxy ${item.slice(0, 60)}: give the load balancers' IP addresses or CIDRs, comma-separated (e.g. 10.0.0.0/8)`);
    }
  }
  if (items.length === 0) throw usageError('--trust-proxy: give at least one IP address or CIDR');
  return items;
}

/** `np2dfw serve`: the NSX-compatible management plane on SQLite or PostgreSQL. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the management plane: an NSX-compatible import and policy API on an embedded SQLite database or PostgreSQL')
    .option('--db <file|url>', DB_OPTION_HELP)
    .option('--listen <host:port>', 'where to listen', '127.0.0.1:8443')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--placement <kind>', 'where imports place policies: nsx (as NSX\'s import API) or banded', 'nsx')
    .option('--trust-proxy <addresses>', 'load balancers (IP addresses or CIDRs, comma-separated) whose X-Forwarded-For names the client')
    .action(async (opts: { db?: string; listen: string; tlsCert?: string; tlsKey?: string; placement: string; trustProxy?: string }) => {
      const { host, port } = parseListen(opts.listen);
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw usageError('--tls-cert and --tls-key go together');
      opts.placement = keyword(opts.placement);
      if (opts.placement !== 'nsx' && opts.placement !== 'banded') throw usageError(`--placement ${opts.placement}: use nsx or banded`);
      const adminPassword = process.env.NP2DFW_ADMIN_PASSWORD;
      const weak = adminPassword ? passwordProblem(adminPassword, 'NP2DFW_ADMIN_PASSWORD') : undefined;
      if (weak) throw usageError(weak);
      const trustProxy = opts.trustProxy === undefined ? undefined : parseTrustProxy(opts.trustProxy);
      const db = databaseOf(opts.db);
      const server = await startServer({
        db, host, port, tlsCert: opts.tlsCert, tlsKey: opts.tlsKey, adminPassword, placement: opts.placement, trustProxy,
      });
      const out = process.stdout;
      out.write(`np2dfw serve: listening on ${server.url} (database ${shownDatabase(db)})\n`);
      out.write(`  API description: ${server.url}/openapi.json\n`);
      if (server.createdAdmin) {
        out.write(`  created user "${FIRST_ADMIN}" (Enterprise Admin) with the password in NP2DFW_ADMIN_PASSWORD\n`);
      }
      if ((await server.context.users.count()) === 0) {
        out.write(`  no user yet: restart with NP2DFW_ADMIN_PASSWORD=... to create "${FIRST_ADMIN}", or run\n`);
        out.write(`  np2dfw user add ${FIRST_ADMIN} --role enterprise_admin --db ${isPostgresUrl(db) ? '<the same database>' : db}\n`);
      } else {
        out.write(`  log in with HTTP basic (e.g. curl -u ${FIRST_ADMIN} ${server.url}/api/v1/aaa/user-info) or a bearer token;\n`);
        out.write(`  clients: np2dfw import --server ${server.url} --user ${FIRST_ADMIN} (or NP2DFW_USER/NP2DFW_PASSWORD/NP2DFW_TOKEN)\n`);
      }
      await new Promise<void>((resolve) => {
        // the first SIGTERM/SIGINT stops cleanly (requests in flight finish, at most 30 s); a second one cuts it short
        let signals = 0;
        const stop = () => {
          signals++;
          if (signals > 1) {
            out.write('np2dfw serve: stopping now\n');
            void server.close().then(resolve, resolve);
            return;
          }
          out.write('np2dfw serve: stopping: not ready any more, finishing the requests in flight\n');
          void server.shutdown().then(({ finished }) => {
            if (!finished) out.write('np2dfw serve: requests still running after the grace period were cut off\n');
          }).then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      out.write('np2dfw serve: stopped\n');
    });
}
