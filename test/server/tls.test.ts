import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServer } from '../../src/server/start-server.ts';

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('serve over TLS', () => {
  it('serves HTTPS with the given certificate and key', { skip: haveOpenssl() ? false : 'openssl is not installed' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'np2dfw-tls-'));
    try {
      const cert = join(dir, 'cert.pem');
      const key = join(dir, 'key.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      const s = await startServer({ db: join(dir, 'db'), host: '127.0.0.1', port: 0, tlsCert: cert, tlsKey: key, adminPassword: 'Tls-Admin-Password-1' });
      try {
        assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        const body = await new Promise<string>((resolve, reject) => {
          const req = request(`${s.url}/api/v1/aaa/user-info`, {
            ca: readFileSync(cert), headers: { authorization: `Basic ${Buffer.from('admin:Tls-Admin-Password-1').toString('base64')}` },
          }, (res) => {
            let text = '';
            res.on('data', (d: Buffer) => { text += d.toString(); });
            res.on('end', () => resolve(text));
          });
          req.on('error', reject);
          req.end();
        });
        assert.equal(JSON.parse(body).user_name, 'admin');
        // np2dfw import -k accepts the self-signed certificate; without -k it is refused
        const run = (args: string[]) => new Promise<{ code: number; out: string }>((resolve) => {
          execFile(process.execPath, ['src/cli/main.ts', 'import', '--server', s.url, '--user', 'admin', '--password', 'Tls-Admin-Password-1', '--ids', '00000000-0000-4000-8000-000000000001', ...args],
            { encoding: 'utf8' }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, out: stdout + stderr }));
        });
        const insecure = await run(['-k']);
        assert.equal(insecure.code, 3, insecure.out);
        assert.match(insecure.out, /NETWORK_POLICY_NOT_FOUND/);
        const strict = await run([]);
        assert.equal(strict.code, 1);
        assert.match(strict.out, /cannot reach/);
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
