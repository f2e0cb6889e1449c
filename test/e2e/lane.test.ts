/**
 * The lane view in headless Chromium on the devnet: two officers at Lok Ma Chau, one
 * reading English and one Traditional Chinese, watch decisions arrive live: an intact truck
 * (GO unless the random selection picked it) and a tampered one (INSPECT, reason shown in
 * each officer's language). Then the trader whose declarations the trucks carried sees, on
 * each declaration's page in Traditional Chinese, when and where it crossed, the decision
 * and the inspection's outcome (arriving live on the open page).
 */
import type { TestPki } from '@clearance/testkit/chaincode';
import { randomBytes, randomUUID, generateKeyPairSync } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { pkcs12WithOpenssl } from '../../portal/testing/p12';
import { fileGd, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { launchBrowser, personPage, screenshot, traderSignIn } from './support/browser';
import { OFFICER_PASSWORD, startStack, type Stack } from './support/stack';

async function officerSignIn(page: Page) {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Officer' }).click();
  await page.selectOption('#officer-organisation', 'gdcustoms');
  await page.fill('#officer-username', 'officer1');
  await page.fill('#officer-password', OFFICER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('who').waitFor();
}

describe('the lane view at a control point, live', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  let stack: Stack;
  let browser: Browser;
  const trucks = { intact: `SEAL-${run}-LGO`, tampered: `SEAL-${run}-LTAMPER` };
  const tags: Record<string, string> = {};
  const declarationOf = (name: string) => `GD-${run}-L${name.toUpperCase()}`;
  const decided: Record<string, { decision: string; at: string }> = {};
  let pki: TestPki;

  beforeAll(async () => {
    stack = await startStack(run);
    pki = await trustedPki(stack.as, run);
    const officer = stack.as('gdcustoms/officer1');
    for (const [name, sealId] of Object.entries(trucks)) {
      const declarationId = declarationOf(name);
      await fileGd(stack.as, pki, declarationId);
      await officer.submit('Declaration:Accept', [declarationId, '']);
      await officer.submit('Declaration:AssessRisk', [declarationId, 'LOW', '5', '']);
      await officer.submit('Declaration:MarkReleaseEligible', [declarationId, '']);
      tags[sealId] = Buffer.concat([Buffer.from([0x04]), randomBytes(6)]).toString('hex');
      await sealedDevice(stack.as, {
        deviceId: `EL-${run}-L${name.slice(0, 3).toUpperCase()}`,
        sealId,
        publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .publicKey.export({ type: 'spki', format: 'pem' })
          .toString(),
        tagUid: tags[sealId] as string,
        declarationIds: [declarationId],
        conveyance: `ZM${name.length}00`,
      });
      await stack.as('logistics/operator1').submit('Seal:AnchorReadings', [
        sealId,
        JSON.stringify({
          batchId: `b-${sealId}`,
          fromCounter: 1,
          toCounter: 30,
          count: 30,
          merkleRoot: 'aa'.repeat(32),
          firstTime: new Date(Date.now() - 120_000).toISOString(),
          lastTime: new Date().toISOString(),
        }),
      ]);
    }
    await stack
      .as('logistics/operator1')
      .submit('Seal:RecordAlarm', [trucks.tampered, 'TAMPER', 'shackle cut']);
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  /** An HK officer taps the seal at LMC (Hong Kong's control point) and asks for the decision. */
  async function decide(
    sealId: string,
  ): Promise<{ decision: string; reasons: string[]; decided: { at: string } }> {
    const officer = stack.as('hkcustoms/officer1');
    await officer.submit('Seal:RecordCheckpoint', [
      sealId,
      JSON.stringify({ controlPoint: 'LMC', tagUid: tags[sealId], counter: 1 }),
    ]);
    const { result } = await officer.submit('Crossing:Decide', [
      JSON.stringify({
        crossingId: `X-${sealId}`,
        sealId,
        controlPoint: 'LMC',
        direction: 'NORTHBOUND',
      }),
    ]);
    const record = JSON.parse(result) as {
      decision: string;
      reasons: string[];
      decided: { at: string };
    };
    decided[sealId] = { decision: record.decision, at: record.decided.at };
    return record;
  }

  it('shows a GO and an INSPECT as they are decided, with reasons, in English and Traditional Chinese', async () => {
    const en = await personPage(browser, stack.base, 'en');
    const hk = await personPage(browser, stack.base, 'en');
    for (const page of [en, hk]) await officerSignIn(page);
    await hk.selectOption('label.lang select', 'zh-HK');
    for (const page of [en, hk]) await page.goto('/#/lane/LMC');
    await en.getByRole('heading', { name: 'Lane at LMC' }).waitFor();
    await hk.getByRole('heading', { name: 'LMC 車道' }).waitFor();

    const latest = (page: Page, sealId: string) =>
      page.locator(`[data-testid="lane-decision"][data-seal="${sealId}"]`);

    const go = await decide(trucks.intact);
    expect(go.reasons.filter((r) => r !== 'RANDOM_SELECTION')).toEqual([]);
    for (const page of [en, hk]) await latest(page, trucks.intact).waitFor({ timeout: 30_000 });
    const goWords = go.decision === 'GO' ? ['GO', '放行'] : ['INSPECT', '查驗'];
    await expect(latest(en, trucks.intact).locator('.verdict').innerText()).resolves.toBe(
      goWords[0],
    );
    await expect(latest(hk, trucks.intact).locator('.verdict').innerText()).resolves.toBe(
      goWords[1],
    );

    const inspect = await decide(trucks.tampered);
    expect(inspect.decision).toBe('INSPECT');
    for (const page of [en, hk]) await latest(page, trucks.tampered).waitFor({ timeout: 30_000 });
    await expect(latest(en, trucks.tampered).locator('.verdict').innerText()).resolves.toBe(
      'INSPECT',
    );
    await expect(latest(hk, trucks.tampered).locator('.verdict').innerText()).resolves.toBe('查驗');
    await expect(
      latest(en, trucks.tampered).locator('[data-reason="ALARM_TAMPER"]').innerText(),
    ).resolves.toBe('Tamper alarm');
    await expect(
      latest(hk, trucks.tampered).locator('[data-reason="ALARM_TAMPER"]').innerText(),
    ).resolves.toBe('破壞警報');
    await expect(
      latest(hk, trucks.tampered).locator('[data-reason="DECLARATION_HELD"]').innerText(),
    ).resolves.toBe('有報關單被暫扣');
    // Both arrivals are listed, newest first; the seal's track is one click away.
    const rows = en.locator('[data-testid="lane-arrivals"] tr[data-crossing]');
    await expect(rows.first().getAttribute('data-crossing')).resolves.toBe(`X-${trucks.tampered}`);
    await expect(
      en.locator(`[data-testid="lane-arrivals"] tr[data-crossing="X-${trucks.intact}"]`).count(),
    ).resolves.toBe(1);
    await screenshot(en, 'lane-inspect-en');
    await screenshot(hk, 'lane-inspect-zh-HK');
    await latest(en, trucks.tampered).getByRole('link', { name: 'Seal track' }).click();
    await en.getByRole('heading', { name: `Seal ${trucks.tampered}` }).waitFor();
  }, 180_000);

  it('shows the trader when each consignment crossed, in Traditional Chinese, and the inspection outcome live', async () => {
    const password = 'lane trader p12 password';
    const trader = await personPage(browser, stack.base, 'en');
    await traderSignIn(trader, await pkcs12WithOpenssl(pki.signers.gdTrader, password), password);
    await trader.getByTestId('who').waitFor();
    await trader.selectOption('label.lang select', 'zh-HK');

    /** The declaration's page until its crossing row is as expected (the index may trail). */
    const crossingRow = async (name: keyof typeof trucks, inspection: string) => {
      const row = trader.locator(
        `[data-testid="crossings"] tr[data-crossing="X-${trucks[name]}"][data-inspection="${inspection}"]`,
      );
      await trader.goto(`/#/declarations/${declarationOf(name)}`);
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) await trader.reload();
        try {
          await row.waitFor({ timeout: 3_000 });
          return row;
        } catch (error) {
          if (attempt === 10) throw error;
        }
      }
    };

    const intact = decided[trucks.intact] as { decision: string; at: string };
    const go = await crossingRow('intact', intact.decision === 'GO' ? '' : 'OPEN');
    const goText = await go.innerText();
    expect(goText).toContain('落馬洲 (LMC)');
    expect(goText).toContain('北行（香港 → 廣東）');
    expect(goText).toContain(intact.decision === 'GO' ? '放行' : '查驗');
    expect(goText).toContain(intact.decision === 'GO' ? '毋須查驗' : '查驗進行中');
    await expect(go.locator('time').getAttribute('datetime')).resolves.toBe(intact.at);

    // The tampered truck's joint inspection is under way; its hold arrives on the open page.
    await crossingRow('tampered', 'OPEN');
    // Unheld after the alarm was looked into, so the inspection's HOLD holds it (again).
    await stack
      .as('gdcustoms/officer1')
      .submit('Declaration:Unhold', [declarationOf('tampered'), 'alarm looked into']);
    await stack
      .as('hkcustoms/officer1')
      .submit('Crossing:RecordOutcome', [
        `X-${trucks.tampered}`,
        JSON.stringify({ outcome: 'HOLD', reason: '貨物短少' }),
      ]);
    const held = trader.locator(
      `[data-testid="crossings"] tr[data-crossing="X-${trucks.tampered}"][data-inspection="HOLD"]`,
    );
    await held.waitFor({ timeout: 30_000 });
    const heldText = await held.innerText();
    expect(heldText).toContain('查驗');
    expect(heldText).toContain('破壞警報');
    expect(heldText).toContain('查驗後扣留：貨物短少');
    await expect(held.locator('time').getAttribute('datetime')).resolves.toBe(
      decided[trucks.tampered]?.at,
    );
    // Screen readers hear of the hold, as of other live changes.
    await trader
      .locator('[role="alert"][aria-live="assertive"]', {
        hasText: `口岸查驗：報關單 ${declarationOf('tampered')} 已暫扣。`,
      })
      .waitFor({ state: 'attached', timeout: 30_000 });
    await screenshot(trader, 'declaration-crossing-zh-HK');
    await trader.context().close();
  }, 180_000);
});
