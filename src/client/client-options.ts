import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveCredentials } from './credentials.ts';
import { NsxClient } from './nsx-client.ts';

/** The options every client command takes. */
export interface ClientOptions {
  server?: string;
  user?: string;
  password?: string;
  passwordStdin?: boolean;
  token?: string;
  insecure?: boolean;
}

/** Adds `--server`, `--user`, `--password`, `--token` and `--insecure`. */
export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--server <url>', 'the NSX Manager or np2dfw serve, e.g. https://nsx.example.com (or NP2DFW_SERVER)')
    .option('--user <name>', 'user name for HTTP basic (or NP2DFW_USER)')
    .option('--password <password>', 'password for HTTP basic; other users see it in ps: prefer NP2DFW_PASSWORD or --password-stdin')
    .option('--password-stdin', 'read the password for HTTP basic from the first line of standard input')
    .option('--token <token>', 'bearer token (or NP2DFW_TOKEN)')
    .option('-k, --insecure', 'accept a self-signed TLS certificate');
}

/** Builds the client the options describe. Throws a message naming what is missing. */
export function clientFromOptions(opts: ClientOptions, env: NodeJS.ProcessEnv = process.env): NsxClient {
  const server = opts.server ?? env.NP2DFW_SERVER;
  if (!server) throw new Error('no server: give --server URL (or NP2DFW_SERVER)');
  let password = opts.password;
  if (opts.passwordStdin) {
    if (opts.password !== undefined) throw new Error('give --password or --password-stdin, not both');
    password = readFileSync(0, 'utf8').split(/\r?\n/)[0];
    if (!password) throw new Error('--password-stdin: standard input holds no password');
  }
  const credentials = resolveCredentials({ ...opts, password }, env);
  if (!credentials) throw new Error('no credentials: give --user and --password, or --token (or NP2DFW_USER/NP2DFW_PASSWORD, NP2DFW_TOKEN)');
  return new NsxClient({ server, credentials, insecure: opts.insecure });
}
