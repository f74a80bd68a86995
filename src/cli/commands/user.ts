import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { usageError } from '../cli-error.ts';
import { openDatabase } from '../../server/db/database.ts';
import { databaseOf, DB_OPTION_HELP } from '../db-option.ts';
import { clusterNameProblem, parseRole, ROLE_NAMES, ROLES } from '../../server/auth/roles.ts';
import { AuditStore } from '../../server/store/audit-store.ts';
import { PASSWORD_RULES_TEXT, passwordProblem } from '../../server/auth/password-policy.ts';
import { UserStore, USER_NAME_PATTERN } from '../../server/store/user-store.ts';

function readPassword(fromStdin: boolean): string {
  if (fromStdin) {
    const line = readFileSync(0, 'utf8').split(/\r?\n/)[0];
    if (!line) throw usageError('--password-stdin: standard input holds no password');
    return line;
  }
  const p = process.env.NP2DFW_PASSWORD;
  if (!p) throw usageError('no password: set NP2DFW_PASSWORD or use --password-stdin (or --no-password for a token-only user)');
  return p;
}

/** `np2dfw user add|list|token|remove`: users of np2dfw serve, on its database (works with the server stopped or running). */
export function registerUser(program: Command): void {
  const user = program.command('user').description('manage the users of np2dfw serve directly on its database');
  user.command('add')
    .description(`add or change a user (password from NP2DFW_PASSWORD or --password-stdin; ${PASSWORD_RULES_TEXT})`)
    .argument('<name>', 'the user name')
    .requiredOption('--role <role>', `one of ${ROLES.map((r) => `${r} (${ROLE_NAMES[r]})`).join(', ')}`)
    .option('--cluster <name>', 'for antrea_adapter: the one cluster it reports for')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--no-password', 'no password: the user logs in with tokens only')
    .option('--db <file|url>', DB_OPTION_HELP)
    .action(async (name: string, opts: { role: string; cluster?: string; passwordStdin?: boolean; password: boolean; db?: string }) => {
      if (!USER_NAME_PATTERN.test(name)) throw usageError(`user name "${name}": use 1-64 letters, digits, . _ @ -`);
      const role = parseRole(opts.role);
      if (!role) throw usageError(`--role ${opts.role}: use one of ${ROLES.join(', ')}`);
      if ((role === 'antrea_adapter') !== (opts.cluster !== undefined)) throw usageError('--cluster goes with --role antrea_adapter, and it needs one');
      const clusterProblem = opts.cluster === undefined ? undefined : clusterNameProblem(opts.cluster);
      if (clusterProblem) throw usageError(`--cluster: ${clusterProblem}`);
      const password = opts.password ? readPassword(opts.passwordStdin === true) : undefined;
      const weak = password === undefined ? undefined : passwordProblem(password);
      if (weak) throw usageError(weak);
      const db = await openDatabase(databaseOf(opts.db));
      try {
        const users = new UserStore(db);
        const existed = (await users.get(name)) !== undefined;
        await users.upsert(name, role, opts.cluster, password);
        await new AuditStore(db).record({ user: process.env.USER ?? '-', method: 'CLI', path: 'np2dfw user add', action: 'user.put',
          target: `user ${name}`, status: 200, result: 'success', detail: `${existed ? 'changed' : 'added'}, role ${role}` });
        process.stdout.write(`${existed ? 'changed' : 'added'} user ${name} (${ROLE_NAMES[role]}${opts.cluster ? `, cluster ${opts.cluster}` : ''})\n`);
      } finally {
        await db.close();
      }
    });
  user.command('token')
    .description('create an API token for a user and print it (shown once)')
    .argument('<name>', 'the user name')
    .option('--description <text>', 'what the token is for', '')
    .option('--db <file|url>', DB_OPTION_HELP)
    .action(async (name: string, opts: { description: string; db?: string }) => {
      const db = await openDatabase(databaseOf(opts.db));
      try {
        const users = new UserStore(db);
        if (!(await users.get(name))) throw usageError(`user ${name} does not exist`);
        const t = await users.createToken(name, opts.description);
        await new AuditStore(db).record({ user: process.env.USER ?? '-', method: 'CLI', path: 'np2dfw user token', action: 'token.create',
          target: `user ${name}`, status: 201, result: 'success', detail: `token ${t.id}` });
        process.stdout.write(`${t.token}\n`);
      } finally {
        await db.close();
      }
    });
  user.command('list')
    .description('list the users')
    .option('--db <file|url>', DB_OPTION_HELP)
    .action(async (opts: { db?: string }) => {
      const db = await openDatabase(databaseOf(opts.db));
      try {
        for (const u of await new UserStore(db).list()) {
          process.stdout.write(`${u.name}\t${ROLE_NAMES[u.role]}${u.cluster ? `\t${u.cluster}` : ''}\n`);
        }
      } finally {
        await db.close();
      }
    });
}
