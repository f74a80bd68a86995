/** How a client authenticates: HTTP basic or a bearer token. */
export type Credentials =
  | { readonly kind: 'basic'; readonly user: string; readonly password: string }
  | { readonly kind: 'token'; readonly token: string };

/** Credentials as given on the command line; the environment fills in what is missing. */
export interface CredentialOptions {
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
}

/**
 * Picks the credentials: `--token`, or `--user`/`--password`, else NP2DFW_TOKEN, else NP2DFW_USER/NP2DFW_PASSWORD.
 * Returns undefined when none are given; a half-given pair is an error (thrown as a message).
 */
export function resolveCredentials(opts: CredentialOptions, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  if (opts.token) return { kind: 'token', token: opts.token };
  const user = opts.user ?? (opts.password === undefined ? env.NP2DFW_USER : undefined);
  const password = opts.password ?? env.NP2DFW_PASSWORD;
  if (opts.user !== undefined || opts.password !== undefined) {
    if (!user || password === undefined) throw new Error('give --user together with --password (or NP2DFW_PASSWORD)');
    return { kind: 'basic', user, password };
  }
  if (env.NP2DFW_TOKEN) return { kind: 'token', token: env.NP2DFW_TOKEN };
  if (user && password !== undefined) return { kind: 'basic', user, password };
  return undefined;
}

/** The Authorization header for the credentials. */
export function authorizationHeader(c: Credentials): string {
  return c.kind === 'token' ? `Bearer ${c.token}` : `Basic ${Buffer.from(`${c.user}:${c.password}`, 'utf8').toString('base64')}`;
}
