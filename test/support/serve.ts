// `np2dfw serve` as a child process (tests that kill a replica): started on a database, resolved once it listens.
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts `np2dfw serve --db DB` on 127.0.0.1 (any port) with the first administrator's password; resolves once it listens. */
export function serveChild(db: string, adminPassword: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli/main.ts', 'serve', '--db', db, '--listen', '127.0.0.1:0'], {
      env: { ...process.env, NP2DFW_ADMIN_PASSWORD: adminPassword }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
  });
}
