// The web console in Debian's chromium: sign-in, seed 000's import workflow on the bundled examples, the rule
// table, a group's members, the heatmap and a trace, each checked against what the API answers; and a read-only
// role that sees everything and can change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Fixture } from '../server/server-fixture.ts';
import { browserSkipReason, chooseOneByOne, launchBrowser, signIn, startExampleServer, type Browser } from './console-fixture.ts';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';
const POLICIES = '/policy/api/v1/infra/domains/default/security-policies';
const GROUPS = '/policy/api/v1/infra/domains/default/groups';

describe('web console', { skip: browserSkipReason() }, () => {
  let f: Fixture;
  let b: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** What the API says as the Security Admin. */
  const get = async (path: string) => {
    const r = await f.call('GET', path, { user: 'secadmin' });
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const cells = (rows: string) => page.locator(rows).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c as unknown as { innerText: string }).innerText.trim())));

  before(async () => {
    f = await startExampleServer();
    b = await launchBrowser();
    page = b.page;
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  });
  after(async () => {
    await b?.close();
    await f?.close();
  });

  it('signs in and shows the clusters and namespace policy counts the API reports', async () => {
    await page.goto(`${f.url}/`);
    assert.equal(await page.getByRole('heading', { name: 'Sign in to np2dfw' }).count(), 1);
    await page.getByLabel('User').fill('secadmin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong' }).waitFor();
    await signIn(page, f.url, 'secadmin');
    const clusters = (await get('/api/v1/fabric/container-clusters')).results;
    const shown = await cells('section[aria-labelledby=clusters-title] tbody tr');
    assert.deepEqual(shown.map((r) => [r[0], r[5]]), clusters.map((c: any) => [c.name, String(c.counts.NetworkPolicy)]));
    assert.match(shown[0][1], /✓ healthy/);
    const namespaces = (await get('/api/v1/fabric/container-clusters/shop/namespaces')).results;
    const nsRows = await cells('section[aria-labelledby=ns-title] tbody tr');
    assert.deepEqual(nsRows.map((r) => [r[0], r[1]]), namespaces.map((n: any) => [n.name, String(n.network_policy_count)]));
    await page.getByRole('button', { name: 'NetworkPolicies in namespace web: show them' }).click();
    await page.getByRole('heading', { name: 'NetworkPolicies of shop/web' }).waitFor();
    const web = (await get('/api/v1/fabric/container-network-policies?cluster=shop&namespace=web')).results;
    const summaries = await page.locator('#ns-policies details > summary strong').allInnerTexts();
    assert.deepEqual(summaries, web.map((p: any) => `web/${p.name}`));
    await page.locator('#ns-policies details > summary').first().click();
    assert.match(await page.locator('#ns-policies details pre').first().innerText(), new RegExp(`name: ${web[0].name}\\b`));
  });

  it('walks the import: preview, ABORT of a batch with an unsupported policy writes nothing, CONTINUE imports the rest', async () => {
    await page.goto(`${f.url}/#/import?cluster=shop`);
    await page.getByRole('checkbox', { name: 'every NetworkPolicy of namespace web' }).check();
    await page.getByText('4 NetworkPolicies chosen').waitFor();
    await chooseOneByOne(page, 'store', 'store', ['default-deny', 'web-ingress']);
    await page.getByText('6 NetworkPolicies chosen').waitFor();
    const ids = [
      ...(await get('/api/v1/fabric/container-network-policies?cluster=shop&namespace=web')).results.map((p: any) => p.uid),
      ...(await get('/api/v1/fabric/container-network-policies?cluster=store&namespace=store')).results
        .filter((p: any) => p.name === 'default-deny' || p.name === 'web-ingress').map((p: any) => p.uid),
    ];
    const dry = await f.call('POST', `${IMPORT}?on_error=CONTINUE&dry_run=true`, { user: 'secadmin', body: { network_policy_ids: ids } });
    assert.equal(dry.status, 200);
    assert.equal(dry.body.success_count, 5);

    await page.getByRole('button', { name: 'Preview (nothing is written)' }).click();
    await page.getByRole('heading', { name: 'Preview (nothing was written)' }).waitFor();
    assert.match(await page.locator('.banner').innerText(), /5 of 6 would be imported with CONTINUE; 1 cannot be/);
    const errors = await cells('table.errors tbody tr');
    assert.deepEqual(errors.map((r) => [r[0], r[1]]), dry.body.errors.flatMap((e: any) => e.errors.map((x: any) => [`store store/web-ingress`, x.error_code])));
    assert.ok(errors.some((r) => r[1] === 'NAMED_PORT_UNSUPPORTED'));
    await page.getByRole('heading', { name: `DFW security policies they become (${dry.body.preview.security_policies.length})` }).waitFor();
    await page.getByRole('heading', { name: `Groups (${dry.body.preview.groups.length})` }).waitFor();
    const store = dry.body.verification.find((v: any) => v.cluster === 'store');
    assert.equal(store.equivalent, false, 'the default deny without the refused allow policy changes connections');
    await page.getByRole('heading', { name: `Δ store: ${store.differences} connections would change verdict` }).waitFor();
    await page.getByRole('heading', { name: '✓ shop: equivalent' }).waitFor();
    assert.equal((await get(POLICIES)).result_count, 0, 'the preview writes nothing');

    await page.getByRole('button', { name: 'Import: ABORT on any failure' }).click();
    await page.getByRole('heading', { name: 'Import with ABORT: response' }).waitFor();
    assert.match(await page.locator('.banner').innerText(), /0 of 6 imported; 1 error/);
    assert.equal((await get(POLICIES)).result_count, 0);
    assert.equal((await get(GROUPS)).result_count, 0);
    assert.deepEqual((await get('/api/v1/fabric/container-clusters/store/pending-removals')).results, []);

    await page.getByRole('button', { name: 'Import: CONTINUE past failures' }).click();
    await page.getByRole('heading', { name: 'Import with CONTINUE: response' }).waitFor();
    assert.match(await page.locator('.banner').innerText(), /5 of 6 imported; 1 error/);
    assert.equal((await get(POLICIES)).result_count, dry.body.preview.security_policies.length);
    assert.equal((await get(GROUPS)).result_count, dry.body.preview.groups.length);
    assert.deepEqual((await get('/api/v1/fabric/container-clusters/store/pending-removals')).results.map((r: any) => r.name), ['default-deny']);
    await page.getByText('0 NetworkPolicies chosen').waitFor();
  });

  it('shows the rule table in evaluation order, a policy\'s rules from the keyboard, and a group\'s members', async () => {
    await page.goto(`${f.url}/#/firewall`);
    const table = (await get('/api/v1/console/security-policies?limit=500')).results;
    const nsx = (await get(POLICIES)).results.sort((a: any, c: any) => a.sequence_number - c.sequence_number || (a.id < c.id ? -1 : 1));
    assert.deepEqual(table.map((p: any) => p.id), nsx.map((p: any) => p.id), 'the console lists the NSX API\'s policies in evaluation order');
    await page.getByText(`${nsx.length} rows`).waitFor();
    const rows = await cells('table.vt tbody tr.vt-row');
    assert.deepEqual(rows.map((r) => [r[0], r[1]]), table.map((p: any) => [String(p.position), p.display_name]));
    // keyboard: into the table, down one row, Enter opens that policy's rules
    await page.locator('.vt-scroll').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const second = await get(`${POLICIES}/${encodeURIComponent(nsx[1].id)}`);
    await page.getByRole('heading', { name: second.display_name }).waitFor();
    const ruleRows = await cells('table.rules tbody tr');
    assert.equal(ruleRows.length, second.rules.length);
    ruleRows.forEach((r, i) => {
      assert.ok(r[0].startsWith(second.rules[i].display_name));
      assert.equal(r[5], second.rules[i].action === 'ALLOW' ? '✓ Allow' : '✗ Drop');
    });
    const origin = second.tags.find((t: any) => t.scope === 'k8s-network-policy').tag;
    assert.ok(ruleRows.every((r) => r[8].includes(`/${origin}`)), `every rule names NetworkPolicy ${origin}`);
    // filtering is the server's
    await page.getByLabel('Namespace').fill('web');
    const inWeb = (await get('/api/v1/console/security-policies?namespace=web')).result_count;
    await page.getByText(`${inWeb} rows`).waitFor();

    // the policy's Applied To group opens the group page with its effective members
    const applied = second.scope.find((p: string) => p.includes('/groups/'));
    const groupId = applied.slice(applied.lastIndexOf('/') + 1);
    await page.locator('dl.facts a.chip').first().click();
    await page.waitForURL(new RegExp(`#/groups\\?id=${groupId}`));
    const members = await get(`/api/v1/console/groups/${groupId}/members`);
    assert.ok(members.result_count > 0);
    await page.getByRole('heading', { name: members.group.display_name }).waitFor();
    await page.getByText(`${members.result_count} row${members.result_count === 1 ? '' : 's'}`).last().waitFor();
    const memberRows = await cells('section.detail table.vt tbody tr.vt-row');
    assert.deepEqual(memberRows.map((r) => `${r[0]}/${r[1]} ${r[3]}`), members.results.map((m: any) => `${m.namespace}/${m.name} ${m.ips.join(', ')}`));
  });

  it('shows the heatmap with the changed cells marked, drills into pods and opens the trace, as the API computes them', async () => {
    const map = await get('/api/v1/console/clusters/store/reachability?port=9113');
    const i = map.rows.findIndex((r: any) => r.name === 'ops');
    const j = map.columns.findIndex((c: any) => c.name === 'store');
    const cell = map.cells[i][j];
    assert.ok(cell.changed > 0 && cell.after < cell.before, 'importing the default deny without allow-metrics cuts prometheus off');
    await page.goto(`${f.url}/#/reachability?cluster=store&port=9113&protocol=TCP`);
    const link = page.getByRole('link', { name: /^ops to store:/ });
    assert.equal(await link.innerText(), `${cell.after}/${cell.pairs} ▼${cell.changed}`);
    assert.match(await link.getAttribute('aria-label') ?? '', new RegExp(`${cell.after} of ${cell.pairs} pod pairs allowed now, ${cell.before} before, ${cell.changed} changed`));
    await link.click();
    await page.getByRole('heading', { name: 'Pods of ops → pods of store on 9113/TCP' }).waitFor();
    const pods = await get('/api/v1/console/clusters/store/reachability?port=9113&source_namespace=ops&destination_namespace=store');
    const r = pods.rows.findIndex((x: any) => x.name === 'prometheus-0');
    const c = pods.columns.findIndex((x: any) => x.name === 'web-0');
    assert.deepEqual(pods.cells[r][c], { before: true, after: false, changed: true });
    const podLink = page.getByRole('link', { name: /^ops\/prometheus-0 to store\/web-0:/ });
    assert.equal(await podLink.innerText(), '✗ Δ (was ✓)');
    await podLink.click();
    await page.getByRole('heading', { name: /^ops\/prometheus-0 \(.*\) → store\/web-0 \(.*\) on 9113\/TCP$/ }).waitFor();
    const trace = await get('/api/v1/console/clusters/store/trace?source=ops/prometheus-0&destination=store/web-0&port=9113');
    assert.equal(trace.kubernetes.allowed, true);
    assert.equal(trace.dfw.allowed, false);
    assert.match(await page.locator('.banner').innerText(), /The worlds differ/);
    const worlds = await page.locator('section.world').allInnerTexts();
    assert.match(worlds[0], /Kubernetes: ✓ allowed/);
    assert.match(worlds[1], /Firewall \(DFW\): ✗ denied/);
    assert.ok(worlds[1].includes(trace.dfw.ingress.decided_by), 'the deciding DFW rule, as the API words it');
    assert.match(trace.dfw.ingress.decided_by, /from NetworkPolicy store\/default-deny/);
    assert.ok(worlds[0].includes(trace.kubernetes.ingress.decided_by));
  });

  it('a read-only role sees every page and can change nothing', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, f.url, 'auditor');
    const before = { policies: (await get(POLICIES)).result_count, groups: (await get(GROUPS)).result_count };
    await page.goto(`${f.url}/#/firewall`);
    await page.getByText(`${before.policies} rows`).waitFor();
    await page.goto(`${f.url}/#/groups`);
    await page.getByText(`${before.groups} rows`).waitFor();
    await page.goto(`${f.url}/#/reachability?cluster=store&port=9113`);
    await page.getByRole('link', { name: /^ops to store:/ }).waitFor();
    await page.goto(`${f.url}/#/import?cluster=shop`);
    await page.getByRole('note').filter({ hasText: 'Your role (Auditor) may read everything but not import' }).waitFor();
    for (const name of ['Preview (nothing is written)', 'Import: ABORT on any failure', 'Import: CONTINUE past failures']) {
      assert.equal(await page.getByRole('button', { name }).isDisabled(), true, name);
    }
    // the console has no powers of its own: the same calls with the auditor's credentials are refused
    const statuses = await page.evaluate(async ([imp, groups]) => {
      const auth = JSON.parse(sessionStorage.getItem('np2dfw.console')!).authorization as string;
      const send = (method: string, url: string, body: unknown) => fetch(url, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
      return [
        await send('POST', `${imp}?on_error=CONTINUE`, { network_policy_ids: ['00000000-0000-4000-8000-000000000001'] }),
        await send('POST', `${imp}?on_error=CONTINUE&dry_run=true`, { network_policy_ids: ['00000000-0000-4000-8000-000000000001'] }),
        await send('PATCH', `${groups}/g1`, { expression: [] }),
      ];
    }, [IMPORT, GROUPS]);
    assert.deepEqual(statuses, [403, 403, 403]);
    assert.deepEqual({ policies: (await get(POLICIES)).result_count, groups: (await get(GROUPS)).result_count }, before);
    assert.deepEqual(pageErrors, []);
  });
});
