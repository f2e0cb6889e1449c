/**
 * The pair page of a dual filing in headless Chromium against the devnet, in zh-HK and
 * zh-CN: an HK e-Cert trader files once at HK (HTTP API); the page shows HK's half and that
 * GD has not filed its half yet; GD's node files it (the gateway's dual worker, one pass);
 * the page shows both halves, then HK customs releases its half and the page shows it.
 * Screenshots in both languages.
 */
import { canonicalBytes } from '@clearance/core';
import {
  createTestPki,
  listAuthority,
  sampleDualFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { createDualCommercialStore, fileAllPendingHalves } from '@clearance/gateway';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { pkcs12WithOpenssl } from '../../portal/testing/p12';
import { launchBrowser, personPage, screenshot, traderSignIn } from './support/browser';
import { startStack, type Stack } from './support/stack';

const P12_PASSWORD = 'dual trader p12 password';

describe('the pair page in a browser, on the devnet', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const id = `DUAL-${run}-WEB`;
  let stack: Stack;
  let pki: TestPki;
  let browser: Browser;
  let trader: Page;

  beforeAll(async () => {
    stack = await startStack(run);
    pki = await createTestPki({ idSuffix: run });
    await listAuthority(
      stack.as('hkcustoms/trust-admin'),
      stack.as('gdcustoms/trust-admin'),
      pki.hk,
    );
    browser = await launchBrowser();
    trader = await personPage(browser, stack.base);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('shows both halves and their states in zh-HK and zh-CN', async () => {
    const p12 = await pkcs12WithOpenssl(pki.signers.hkTrader, P12_PASSWORD);
    await traderSignIn(trader, p12, P12_PASSWORD);
    await trader.getByTestId('who').waitFor();
    // The trader's session token, as the portal keeps it, files through the API.
    const challenge = (await (
      await fetch(`${stack.base}/v1/auth/challenge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { challenge: string; challengeId: string };
    const proof = await pki.signers.hkTrader.sign(Buffer.from(challenge.challenge, 'base64'));
    const { token } = (await (
      await fetch(`${stack.base}/v1/auth/trader`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          challengeId: challenge.challengeId,
          signature: Buffer.from(proof).toString('base64'),
        }),
      })
    ).json()) as { token: string };
    const filing = await sampleDualFiling(id);
    const signature = await pki.signers.hkTrader.sign(canonicalBytes(filing.submission));
    const filed = await fetch(`${stack.base}/v1/dual-declarations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        prefer: 'wait=30',
      },
      body: JSON.stringify({
        ...filing,
        signature: Buffer.from(signature).toString('base64'),
        receivedIn: 'HK',
      }),
    });
    expect(filed.status).toBe(200);

    await trader.selectOption('header select', 'zh-HK');
    await trader.goto(`/#/pairs/${id}`);
    await trader.getByRole('heading', { name: `一單兩報 ${id}` }).waitFor();
    await trader.locator('[data-side="HK"] [data-state="SUBMITTED"]').waitFor();
    await expect(
      trader.locator('[data-side="GD"] [data-pending="half"]').innerText(),
    ).resolves.toBe('此方尚未記錄：其海關會按提交資料辦理。');
    await screenshot(trader, 'pair-half-zh-HK');

    // GD's node files its half (one pass of its worker, with the values its gateway kept).
    const filedHalves = await fileAllPendingHalves({
      agents: { GD: async () => stack.as('gdcustoms/agent') },
      commercial: createDualCommercialStore(stack.pool),
    });
    expect(filedHalves).toBeGreaterThanOrEqual(1);
    const hk = stack.as('hkcustoms/officer1');
    for (const [tx, args] of [
      ['Accept', ['']],
      ['AssessRisk', ['LOW', '5', '']],
      ['MarkReleaseEligible', ['']],
      ['Release', ['']],
    ] as const)
      await hk.submit(`Declaration:${tx}`, [`${id}-HK`, ...args]);

    await trader.reload();
    await trader.locator('[data-side="GD"] [data-state="SUBMITTED"]').waitFor();
    await trader.locator('[data-side="HK"] [data-state="RELEASED"]').waitFor();
    await expect(trader.locator('[data-side="HK"]').innerText()).resolves.toContain('HKCustomsMSP');
    await screenshot(trader, 'pair-zh-HK');

    await trader.selectOption('header select', 'zh-CN');
    await trader.getByRole('heading', { name: `一单两报 ${id}` }).waitFor();
    await expect(trader.locator('[data-side="GD"]').innerText()).resolves.toContain('尚未放行');
    await screenshot(trader, 'pair-zh-CN');
    await trader.selectOption('header select', 'en');
  }, 120_000);
});
