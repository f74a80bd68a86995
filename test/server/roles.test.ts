// Every role against every endpoint: the expected access is written out here from the words (Enterprise
// Admin and Security Admin change firewall policy; Security Operator and Auditor only read; an adapter only
// reports for its own cluster; users are Enterprise Admin's), not taken from the server's own tables.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allRoutes } from '../../src/server/app.ts';
import type { RouteSpec } from '../../src/server/http/route.ts';
import { pushInventory, startFixture, type Fixture, BACKENDS } from './server-fixture.ts';

const READERS = ['admin', 'secadmin', 'secop', 'auditor'];

/** Who may call a route on cluster `c1` (adapter1 is c1's adapter, adapter2 is c2's). */
function expectedUsers(method: string, url: string): string[] {
  if (url === '/api/v1/aaa/user-info') return [...READERS, 'adapter1', 'adapter2'];
  if (url.startsWith('/api/v1/aaa/')) return ['admin'];
  if (url === '/api/v1/audit-log') return READERS;
  // the console's views only read: every reader, never an adapter
  if (url.startsWith('/api/v1/console/')) return READERS;
  if (url.startsWith('/policy/')) return method === 'GET' ? READERS : ['admin', 'secadmin'];
  if (url.startsWith('/api/v1/fabric/container-clusters/:cluster/pending-removals')) return [...READERS, 'adapter1'];
  if (url.startsWith('/api/v1/fabric/container-clusters/:cluster/realization') && method === 'GET') return READERS;
  // np2dfw adapter's routes: it reads its cluster's DFW and traceflow queue; anyone who reads may ask for a traceflow
  if (url === '/api/v1/fabric/container-clusters/:cluster/dfw') return [...READERS, 'adapter1'];
  if (url === '/api/v1/fabric/container-clusters/:cluster/traceflows') return method === 'POST' ? READERS : [...READERS, 'adapter1'];
  if (url.startsWith('/api/v1/fabric/')) return method === 'GET' ? READERS : ['admin', 'adapter1'];
  throw new Error(`no expectation for ${method} ${url}`);
}

function concreteUrl(spec: RouteSpec, cluster: string): string {
  return spec.url
    .replace(':cluster', cluster)
    .replace(':ruleId', 'r1')
    .replace(':name', 'someone')
    .replace(/:id$/, spec.url.includes('/tokens/') ? '0123456789ab' : 'x1')
    .replace(':id', 'x1');
}

function bodyFor(spec: RouteSpec): unknown {
  if (spec.method === 'GET' || spec.method === 'DELETE') return undefined;
  if (spec.url.endsWith('import-k8s-np-to-dfw')) return { network_policy_ids: ['not-there'] };
  if (spec.url.endsWith('/users/:name')) return { role: 'auditor', password: 'a-long-enough-password' };
  if (spec.url.endsWith('/health')) return { status: 'HEALTHY' };
  if (spec.url.endsWith('/realization')) return { statuses: [] };
  if (spec.url.endsWith('/inventory')) return spec.method === 'PUT' ? { objects: [] } : { upserts: [] };
  if (spec.url === '/policy/api/v1/infra') return { resource_type: 'Infra', children: [] };
  return {};
}

for (const backend of BACKENDS) describe(backend, () => {
describe('roles: every role against every endpoint', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ backend });
    await pushInventory(f, 'c1', []);
    await pushInventory(f, 'c2', []);
  });
  after(() => f.close());

  it('401 without credentials or with a wrong password, 403 without the role, served with it', async () => {
    const routes = allRoutes(f.server.context);
    assert.ok(routes.length >= 35, `${routes.length} routes`);
    const failures: string[] = [];
    let checked = 0;
    for (const spec of routes) {
      const allowed = expectedUsers(spec.method, spec.url);
      for (const cluster of spec.url.includes(':cluster') ? ['c1', 'c2'] : ['c1']) {
        const url = concreteUrl(spec, cluster);
        const body = bodyFor(spec);
        const anon = await f.call(spec.method, url, { body });
        if (anon.status !== 401 || anon.body.httpStatus !== 'UNAUTHORIZED') failures.push(`anonymous ${spec.method} ${url}: ${anon.status}`);
        // a wrong password costs a full scrypt: check it on a sample of routes
        const wrong = checked % 7 !== 0 ? { status: 401 } : await fetch(`${f.url}${url}`, { method: spec.method, headers: { authorization: `Basic ${Buffer.from('admin:wrong-password').toString('base64')}` } });
        if (wrong.status !== 401) failures.push(`wrong password ${spec.method} ${url}: ${wrong.status}`);
        for (const user of [...READERS, 'adapter1', 'adapter2']) {
          // adapter1 may act for c1 only: on c2 the expectation is the one of another cluster's adapter
          const mayCall = cluster === 'c2' && user.startsWith('adapter')
            ? allowed.includes('adapter1') && user === 'adapter2'
            : allowed.includes(user);
          const r = await f.call(spec.method, url, { user, body });
          checked++;
          if (mayCall && (r.status === 401 || r.status === 403)) failures.push(`${user} ${spec.method} ${url}: ${r.status}, expected access`);
          if (!mayCall && r.status !== 403) failures.push(`${user} ${spec.method} ${url}: ${r.status}, expected 403`);
          if (!mayCall && r.body?.httpStatus !== 'FORBIDDEN') failures.push(`${user} ${spec.method} ${url}: no NSX error body`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(checked > 250, `${checked} checks`);
  });
});
});
