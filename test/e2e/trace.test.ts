/**
 * The trace-back view in headless Chromium on the devnet: a GD customs officer traces one
 * ear tag of a certified, sealed consignment checked at Man Kam To back to its farm,
 * certificate, truck and seal (English), a Hong Kong officer the same tag in Traditional
 * Chinese, and an ear tag on no certificate answers "nothing on the ledger".
 */
import { canonicalBytes, toHex } from '@clearance/core';
import { sha256, type HealthCertificate } from '@clearance/domain';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { fileGd, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { launchBrowser, personPage, screenshot } from './support/browser';
import { OFFICER_PASSWORD, startStack, type Stack } from './support/stack';

async function officerSignIn(page: Page, organisation: string) {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Officer' }).click();
  await page.selectOption('#officer-organisation', organisation);
  await page.fill('#officer-username', 'officer1');
  await page.fill('#officer-password', OFFICER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('who').waitFor();
}

/** Another peer may be a block behind: try again on NOT_FOUND, briefly. */
async function soon<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code !== 'NOT_FOUND' || attempt === 20) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('the trace-back view', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  let stack: Stack;
  let browser: Browser;
  const farmId = `F-${run}`;
  const sealId = `SEAL-${run}-TR`;
  const earTags = [`${run}0001`, `${run}0002`];

  beforeAll(async () => {
    stack = await startStack(run);
    const pki = await trustedPki(stack.as, run);
    const declarationId = `GD-${run}-TR`;
    await fileGd(stack.as, pki, declarationId);
    await sealedDevice(stack.as, {
      deviceId: `EL-${run}-TR`,
      sealId,
      publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      routeId: 'FARM-MKT',
      conveyance: 'YUE-L-12345',
      declarationIds: [declarationId],
    });
    const ciq = stack.as('gdciq/inspector1');
    const vet = toHex(await sha256(pki.signers.gdTrader.certificate));
    await soon(() =>
      ciq.submit(
        'Livestock:RegisterFarm',
        [
          JSON.stringify({
            farmId,
            name: 'Huizhou Hill Farm',
            region: 'Huizhou',
            species: ['PIG'],
            veterinarian: { registrationNo: `VET-${run}`, certificateSha256: vet },
          }),
        ],
        {
          farm: JSON.stringify({ operator: 'Co-op', address: 'Huizhou', veterinarianName: 'Dr H' }),
        },
      ),
    );
    const certificate: HealthCertificate = {
      certificateNo: `HC-${run}`,
      consignmentId: `C-${run}`,
      farmId,
      species: 'PIG',
      headCount: 2,
      animals: earTags.map((earTag) => ({ earTag })),
      vaccinations: [],
      residueTests: [
        { substance: 'Clenbuterol', result: 'NEGATIVE', sampledOn: '2026-11-20', laboratory: 'L' },
      ],
      issuedOn: '2026-11-25',
      slaughterhouse: 'SSSH',
      declarationId,
      conveyance: 'YUE-L-12345',
    };
    const cms = await pki.signers.gdTrader.sign(canonicalBytes(certificate));
    await ciq.submit('Livestock:Certify', [
      JSON.stringify(certificate),
      Buffer.from(cms).toString('base64'),
    ]);
    await soon(() => ciq.submit('Livestock:LinkSeal', [certificate.consignmentId, sealId]));
    await soon(() =>
      stack.as('hkcustoms/officer1').submit('Livestock:CheckArrival', [
        JSON.stringify({
          consignmentId: certificate.consignmentId,
          controlPoint: 'MKT',
          earTagsRead: earTags,
        }),
      ]),
    );
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('traces an ear tag to farm, certificate, truck, seal and arrival, in English and Traditional Chinese', async () => {
    const gd = await personPage(browser, stack.base, 'en');
    await officerSignIn(gd, 'gdcustoms');
    await gd.getByRole('link', { name: 'Trace-back' }).click();
    await gd.getByRole('heading', { name: 'Food animals: trace-back' }).waitFor();
    await gd.fill('input[name="id"]', earTags[1] ?? '');
    await gd.getByRole('button', { name: 'Trace' }).click();
    const result = gd.getByTestId('trace-result');
    await result.waitFor();
    expect(await result.getAttribute('data-stage')).toBe('ARRIVED');
    expect(await gd.getByTestId('trace-farm').textContent()).toContain(farmId);
    expect(await gd.getByTestId('trace-farm').getAttribute('data-status')).toBe('ACTIVE');
    expect(await gd.getByTestId('trace-certificate').textContent()).toContain(`HC-${run}`);
    expect(await gd.getByTestId('trace-truck').textContent()).toBe('YUE-L-12345');
    expect(await gd.getByTestId('trace-seal').textContent()).toContain(sealId);
    expect(await gd.getByTestId('trace-arrival').getAttribute('data-result')).toBe('ACCEPTED');
    await screenshot(gd, 'trace-en');

    const hk = await personPage(browser, stack.base, 'en');
    await officerSignIn(hk, 'hkcustoms');
    await hk.selectOption('label.lang select', 'zh-HK');
    await hk.goto(`/#/trace/earTag/${earTags[0]}`);
    await hk.getByRole('heading', { name: '食用動物：溯源' }).waitFor();
    await hk.getByTestId('trace-result').waitFor();
    expect(await hk.getByTestId('trace-stage').textContent()).toContain('已抵港，已接受');
    expect(await hk.getByTestId('trace-farm').textContent()).toContain('已註冊');

    await gd.goto(`/#/trace/earTag/${run}9999`);
    const error = gd.getByTestId('trace-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('NOT_FOUND');
    expect(await error.textContent()).toContain(`${run}9999`);
  }, 120_000);
});
