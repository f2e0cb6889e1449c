/**
 * What a newcomer sees after `npm start`, in headless Chromium: the sign-in page small and
 * compressed (its transfer size printed), then, from the living demo, the seal monitor with
 * the trucks' seals moving on the map and one alarm, the lane view at Lok Ma Chau with its
 * decisions, the officers' queue, a demo trader's own declarations, and the new-declaration
 * form naming its codes in Traditional Chinese. Ctrl-C then stops the trucks and everything
 * the checkout runs. Runs the real scripts/start.mjs (demo on) on the devnet the other tests
 * use.
 */
import { Devnet } from '@clearance/devnet';
import { freePort } from '@clearance/testkit/gateway';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { checkoutProcesses, npmStart, type NpmStart } from '../support/npm-start';
import { launchBrowser, personPage, screenshot, traderSignIn } from './support/browser';

/** The target for everything the sign-in page transfers. */
const SIGN_IN_BUDGET_BYTES = 150 * 1024;

const devnet = new Devnet({ log: () => undefined });

/** The password of a devnet officer, from the sign-in sheet npm start writes. */
function officerPassword(org: string, name: string): string {
  const sheet = fs.readFileSync(path.join(devnet.paths.root, 'gateway', 'sign-in.txt'), 'utf8');
  const line = sheet.split('\n').find((l) => {
    const [o, n] = l.trim().split(/\s+/);
    return o === org && n === name;
  });
  const password = line?.trim().split(/\s+/)[2];
  if (!password) throw new Error(`no password for ${org}/${name} on the sign-in sheet`);
  return password;
}

async function officerSignIn(page: Page) {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Officer' }).click();
  await page.selectOption('#officer-organisation', 'gdcustoms');
  await page.fill('#officer-username', 'officer1');
  await page.fill('#officer-password', officerPassword('gdcustoms', 'officer1'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('who').waitFor();
}

describe('npm start opens on a living system', () => {
  let start: NpmStart;
  let browser: Browser;
  let base = '';
  let seals: string[] = [];
  let tampered = '';
  let crossedFirst = '';
  let monitorAfterS = 0;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    start = npmStart([], { PORT: String(port) });
    const out = await start.waitFor(/demo: the seal monitor lists \d+ moving seals, ([\d.]+) s/);
    monitorAfterS = Number(/moving seals, ([\d.]+) s after npm start/.exec(out)?.[1]);
    seals =
      /trucks sealed and driving \([^)]*\): ((?:SEAL-\S+ ?)+);/.exec(out)?.[1]?.split(' ') ?? [];
    tampered =
      /alarm TAMPER on (SEAL-\S+) recorded/.exec(
        await start.waitFor(/alarm TAMPER on SEAL-\S+ recorded/, 180_000),
      )?.[1] ?? '';
    crossedFirst =
      /T1 at Lok Ma Chau \((SEAL-\S+)\): (GO|INSPECT)/.exec(
        await start.waitFor(/T1 at Lok Ma Chau \(SEAL-\S+\): (GO|INSPECT)/, 180_000),
      )?.[1] ?? '';
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    if (start && start.child.exitCode === null) {
      start.interrupt();
      await start.exited();
    }
  }, 120_000);

  it('seals five trucks and populates the seal monitor within a minute of npm start', () => {
    console.log(`seal monitor populated ${monitorAfterS} s after npm start`);
    expect(seals).toHaveLength(5);
    expect(seals).toContain(tampered);
    expect(seals).toContain(crossedFirst);
    expect(monitorAfterS).toBeLessThan(60);
  });

  it('loads the sign-in page compressed, within 150 KB in all, the CMS and PKCS#12 code not yet', async () => {
    const page = await personPage(browser, base, 'en');
    const loaded: Request[] = [];
    page.on('requestfinished', (r) => loaded.push(r));
    await page.goto('/', { waitUntil: 'networkidle' });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    let bytes = 0;
    const files: string[] = [];
    for (const request of loaded) {
      const sizes = await request.sizes();
      bytes += sizes.responseBodySize + sizes.responseHeadersSize;
      const response = await request.response();
      const file = new URL(request.url()).pathname;
      files.push(file);
      if (/\.(js|css)$/.test(file)) {
        expect([file, response?.headers()['content-encoding']]).toEqual([file, 'br']);
        expect([file, response?.headers()['cache-control']]).toEqual([
          file,
          'public, max-age=31536000, immutable',
        ]);
      }
    }
    const html = loaded.find((r) => new URL(r.url()).pathname === '/');
    expect((await html?.response())?.headers()['cache-control']).toBe('no-cache');
    console.log(
      `sign-in page: ${loaded.length} requests, ${bytes} bytes transferred (${(bytes / 1024).toFixed(1)} KiB; target ${SIGN_IN_BUDGET_BYTES / 1024} KiB)`,
    );
    expect(bytes).toBeLessThanOrEqual(SIGN_IN_BUDGET_BYTES);
    expect(files.filter((f) => /\/(pkcs12|sign|filing|seals|lane)-/.test(f))).toEqual([]);
    await page.context().close();
  });

  it('shows the moving seals with one alarm, and the map of the first', async () => {
    const page = await personPage(browser, base, 'en');
    await officerSignIn(page);
    await page.goto('/#/seals');
    const rows = page.locator('[data-testid="seal-list"] tbody tr');
    for (const seal of seals) await page.locator(`tr[data-seal="${seal}"]`).waitFor();
    const alarmed = await rows.evaluateAll(
      (trs, ours) =>
        trs
          .filter((tr) => ours.includes(tr.getAttribute('data-seal') ?? ''))
          .filter((tr) => tr.classList.contains('alarmed'))
          .map((tr) => tr.getAttribute('data-seal')),
      seals,
    );
    expect(alarmed).toEqual([tampered]);
    expect(await page.locator(`tr[data-seal="${tampered}"]`).innerText()).toContain('TAMPER');
    await page.goto(`/#/seals/${seals[0]}`);
    await page.locator('[data-testid="seal-detail"] svg').first().waitFor();
    // Moving: the truck's last reading advances while we watch.
    const counter = async () => {
      const res = await page.request.get(`${base}/v1/seals/${seals[0]}`);
      return ((await res.json()) as { lastReading: { counter: number } | null }).lastReading
        ?.counter;
    };
    const before = await counter();
    await new Promise((r) => setTimeout(r, 12_000));
    const after = await counter();
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(before as number);
    await screenshot(page, 'demo-seal-monitor');
    await page.context().close();
  }, 90_000);

  it('shows the decisions at Lok Ma Chau on the lane view, and a queue with work', async () => {
    const page = await personPage(browser, base, 'en');
    await officerSignIn(page);
    await page.goto('/#/lane/LMC');
    await page.locator('[data-testid="lane-decision"]').waitFor();
    const arrivals = page.locator('[data-testid="lane-arrivals"]');
    await arrivals.waitFor();
    expect(await arrivals.innerText()).toContain(crossedFirst);
    await screenshot(page, 'demo-lane');
    await page.goto('/#/queue');
    await page.locator('main table tbody tr').first().waitFor();
    expect(await page.locator('main table tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'demo-queue');
    await page.context().close();
  }, 90_000);

  it("shows a demo trader's own declarations, and the form's codes named in Traditional Chinese", async () => {
    const demo = path.join(devnet.paths.root, 'demo');
    const { password } = JSON.parse(fs.readFileSync(path.join(demo, 'demo.json'), 'utf8')) as {
      password: string;
    };
    const page = await personPage(browser, base, 'en');
    await traderSignIn(
      page,
      fs.readFileSync(path.join(demo, 'traders', 'gd-trader.p12')),
      password,
    );
    await page.getByTestId('who').waitFor();
    await page.goto('/#/declarations');
    const tag = /^SEAL-(.+)-T1$/.exec(seals[0] ?? '')?.[1];
    await page.getByText(`GD-IM-${tag}-T1`).first().waitFor();
    await screenshot(page, 'demo-trader-declarations');
    await page.selectOption('label.lang select', 'zh-HK');
    await page.goto('/#/declarations/new');
    const terms = page.locator('#f-tradeTerms option[value="FCA"]');
    await terms.waitFor({ state: 'attached' });
    expect(await terms.innerText()).toBe('FCA — 貨交承運人');
    expect(await page.locator('#f-transport-mode option[value="ROAD"]').innerText()).toBe(
      'ROAD — 陸路',
    );
    await page.context().close();
  }, 90_000);

  it('Ctrl-C stops the trucks and everything this checkout runs', async () => {
    start.interrupt();
    expect(await start.exited()).toBe(0);
    expect(start.output()).toContain('demo: the trucks stopped');
    expect(start.output()).toContain('npm start: nothing of this checkout is running');
    expect(checkoutProcesses(devnet)).toEqual([]);
  }, 120_000);
});
