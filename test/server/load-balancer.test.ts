// Behind a load balancer: with --trust-proxy, the client's address (rate limit, lockout audit) is the one in the
// load balancer's X-Forwarded-For; without it the header is ignored, so that no client can choose its address.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTrustProxy } from '../../src/cli/commands/serve.ts';
import { startServer } from '../../src/server/start-server.ts';
import { PASSWORD } from './server-fixture.ts';

const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

async function withServer(trustProxy: string[] | undefined, f: (url: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-lb-'));
  const server = await startServer({
    db: join(dir, 'np2dfw.db'), host: '127.0.0.1', port: 0, adminPassword: PASSWORD, trustProxy,
    limits: { rateLimit: { perSecond: 0.01, burst: 3 }, lockout: { maxFailures: 0, resetSeconds: 900, lockSeconds: 900 } },
  });
  try {
    await f(server.url);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function statusFrom(url: string, client: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/aaa/user-info`, { headers: { authorization: AUTH, 'x-forwarded-for': client } });
  await res.arrayBuffer();
  return res.status;
}

describe('behind a load balancer', () => {
  it('with --trust-proxy, each client behind the load balancer has its own rate limit', async () => {
    await withServer(['127.0.0.1'], async (url) => {
      const first: number[] = [];
      for (let i = 0; i < 5; i++) first.push(await statusFrom(url, '192.0.2.1'));
      assert.deepEqual(first, [200, 200, 200, 429, 429]);
      assert.equal(await statusFrom(url, '192.0.2.2'), 200, 'another client is not limited by the first');
    });
  });

  it('without it, X-Forwarded-For is ignored: every request counts against the connecting address', async () => {
    await withServer(undefined, async (url) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push(await statusFrom(url, `192.0.2.${i + 1}`));
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    });
  });

  it('--trust-proxy takes IP addresses and CIDRs, and refuses anything else', () => {
    assert.deepEqual(parseTrustProxy('10.0.0.0/8, 127.0.0.1,fd00::/8'), ['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    for (const bad of ['lb.example.com', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129', '', ' , ']) {
      assert.throws(() => parseTrustProxy(bad), /--trust-proxy/, bad);
    }
  });
});
