// `npm run screenshots`: every page of the console at 1440x900, in docs/screenshots/, on the bundled examples
// (cluster shop = examples/shop, cluster store = examples/named-ports) after an import with CONTINUE.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chooseOneByOne, launchBrowser, signIn, startExampleServer } from '../test/console/console-fixture.ts';

const OUT = new URL('../docs/screenshots/', import.meta.url).pathname;

const f = await startExampleServer();
const b = await launchBrowser();
const { page } = b;
const shot = async (name: string) => {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
};
try {
  mkdirSync(OUT, { recursive: true });
  await page.goto(`${f.url}/#/login`);
  await page.getByLabel('User').fill('secadmin');
  await shot('login');
  await signIn(page, f.url, 'secadmin');
  await page.getByRole('button', { name: 'NetworkPolicies in namespace api: show them' }).click();
  await page.locator('#ns-policies details > summary').first().click();
  await page.locator('#ns-policies').scrollIntoViewIfNeeded();
  await shot('inventory');

  await page.goto(`${f.url}/#/import?cluster=shop`);
  await page.getByRole('button', { name: 'Choose every NetworkPolicy of shop' }).click();
  await page.getByText('15 NetworkPolicies chosen').waitFor();
  await chooseOneByOne(page, 'store', 'store', ['default-deny', 'web-ingress']);
  await page.getByRole('button', { name: 'Preview (nothing is written)' }).click();
  await page.getByRole('heading', { name: 'Preview (nothing was written)' }).waitFor();
  await page.getByRole('heading', { name: 'Preview (nothing was written)' }).evaluate((e) => e.scrollIntoView());
  await shot('import-preview');
  await page.getByRole('button', { name: 'Import: CONTINUE past failures' }).click();
  await page.getByRole('heading', { name: 'Import with CONTINUE: response' }).waitFor();

  await page.goto(`${f.url}/#/firewall`);
  await page.getByText(/^\d+ rows$/).first().waitFor();
  await page.locator('.vt-scroll').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('table.rules').waitFor();
  await shot('firewall');

  await page.goto(`${f.url}/#/groups`);
  await page.getByText(/^\d+ rows$/).first().waitFor();
  await page.getByLabel('Search', { exact: true }).fill('data');
  await page.waitForTimeout(400);
  await page.locator('.vt-scroll').first().focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 2 }).first().waitFor();
  await page.locator('section.detail table.vt tbody tr.vt-row').first().waitFor();
  await shot('groups');

  await page.goto(`${f.url}/#/reachability?cluster=store&port=9113&protocol=TCP`);
  await page.locator('table.heatmap').waitFor();
  await shot('reachability');
  await page.goto(`${f.url}/#/reachability?cluster=store&port=9113&protocol=TCP&src=ops&dst=store`);
  await page.locator('table.heatmap').waitFor();
  await shot('reachability-pods');

  await page.goto(`${f.url}/#/trace?cluster=store&source=ops%2Fprometheus-0&destination=store%2Fweb-0&port=9113&protocol=TCP`);
  await page.locator('section.world').first().waitFor();
  await shot('trace');
} finally {
  await b.close();
  await f.close();
}
