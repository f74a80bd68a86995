import { usageError } from './cli-error.ts';
import { isPostgresUrl, redactUrl } from '../server/db/postgres-database.ts';

/** The help text of `--db`. */
export const DB_OPTION_HELP = 'the database: a SQLite file (created when missing; default ./np2dfw.db) or postgres://USER@HOST:PORT/DB '
  + '(default: NP2DFW_DB_URL; the password from NP2DFW_DB_URL, NP2DFW_DB_PASSWORD_FILE or PGPASSWORD)';

/**
 * The database a command uses: `--db`, else NP2DFW_DB_URL, else ./np2dfw.db. A password inside a `--db` URL is
 * refused: the command line is visible to every user of the machine (ps); it belongs in NP2DFW_DB_URL, a file
 * (NP2DFW_DB_PASSWORD_FILE) or PGPASSWORD.
 */
export function databaseOf(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined) {
    if (isPostgresUrl(option)) {
      let password = '';
      try {
        password = new URL(option).password;
      } catch {
        throw usageError(`--db ${redactUrl(option)}: not a URL; use postgres://USER@HOST:PORT/DB`);
      }
      if (password) {
        throw usageError(`--db ${redactUrl(option)}: never put the database password on the command line (other users can read it); `
          + 'use NP2DFW_DB_URL, NP2DFW_DB_PASSWORD_FILE or PGPASSWORD');
      }
    }
    return option;
  }
  return env.NP2DFW_DB_URL || './np2dfw.db';
}

/** Where the database is, for messages (a URL without its password). */
export function shownDatabase(spec: string): string {
  return isPostgresUrl(spec) ? redactUrl(spec) : spec;
}
