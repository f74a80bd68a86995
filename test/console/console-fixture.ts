// The console in a real browser: Debian's chromium (/usr/bin/chromium, never a downloaded browser) driven by
// playwright-core, against a real np2dfw server on a fresh SQLite file holding the bundled examples.
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { readInventoryObjects } from '../../src/cli/commands/inventory.ts';
import { PASSWORD, pushInventory, startFixture, type Fixture } from '../server/server-fixture.ts';

/** Debian's chromium. */
export const CHROMIUM = process.env.NP2DFW_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here (printed as a visible notice), or undefined. CI installs chromium. */
export function browserSkipReason(): string | undefined {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    const why = `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;
    process.stderr.write(`NOTICE: console browser tests skipped: ${why}\n`);
    return why;
  }
}

/** The flags the browser runs with: headless, no sandbox (CI runs as root), nothing fetched from the network. */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** The examples the console is shown on: cluster `shop` (examples/shop) and cluster `store` (examples/named-ports). */
export const EXAMPLE_CLUSTERS: Readonly<Record<string, string>> = {
  shop: 'examples/shop',
  store: 'examples/named-ports',
};

/** A browser on a fresh profile. */
export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Launches chromium on a fresh --user-data-dir with a 1440x900 window. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'np2dfw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context, page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A server holding the example clusters (the fixture's users, one per role, all with PASSWORD). */
export async function startExampleServer(): Promise<Fixture> {
  const f = await startFixture();
  const root = new URL('../../', import.meta.url).pathname;
  for (const [name, dir] of Object.entries(EXAMPLE_CLUSTERS)) await pushInventory(f, name, readInventoryObjects([join(root, dir)]));
  await f.call('POST', '/api/v1/fabric/container-clusters/shop/health', { user: 'admin', body: { status: 'HEALTHY', message: 'adapter connected' } });
  return f;
}

/** Signs in through the console's form. */
export async function signIn(page: Page, url: string, user: string): Promise<void> {
  await page.goto(`${url}/#/login`);
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Clusters and inventory' }).waitFor();
}

/** On the import page: switches to `cluster` and chooses the named policies of its namespace `namespace` one by one. */
export async function chooseOneByOne(page: Page, cluster: string, namespace: string, names: readonly string[]): Promise<void> {
  await page.getByLabel('Cluster').selectOption(cluster);
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: namespace, exact: true }) });
  await row.getByText(/^choose one by one/).click();
  for (const name of names) await row.getByRole('checkbox', { name: new RegExp(`^ ?${name} `) }).check();
}
