/**
 * The farm and arrival screens in headless Chromium on the devnet, in Simplified and
 * Traditional Chinese: a GD inspection officer looks up a registered farm and its
 * consignments (one sealed, one only certified); a Centre for Food Safety officer (HKCFSMSP,
 * its own identity) records the arrival check at Man Kam To of the sealed one with its ear
 * tags read (accepted), then of the other with a tag missing and a stray one (flagged with
 * what it found); a farm not registered answers with its code. Screenshots of each screen in
 * each language go to test/artifacts/screenshots.
 */
import { canonicalBytes, toHex } from '@clearance/core';
import { sha256, type HealthCertificate } from '@clearance/domain';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { fileGd, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { launchBrowser, personPage, screenshot } from './support/browser';
import { OFFICER_PASSWORD, startStack, type Stack } from './support/stack';

/** Signs an officer in (the sign-in screen in English), then switches to `locale`. */
async function officerSignIn(page: Page, organisation: string, username: string, locale: string) {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Officer' }).click();
  await page.selectOption('#officer-organisation', organisation);
  await page.fill('#officer-username', username);
  await page.fill('#officer-password', OFFICER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('who').waitFor();
  await page.selectOption('label.lang select', locale);
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

describe('the farm and arrival screens', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  let stack: Stack;
  let browser: Browser;
  const farmId = `F-${run}`;
  const sealId = `SEAL-${run}-AR`;
  const sealed = { id: `C-${run}-1`, tags: [`${run}1001`, `${run}1002`, `${run}1003`] };
  const certified = { id: `C-${run}-2`, tags: [`${run}2001`, `${run}2002`] };

  beforeAll(async () => {
    stack = await startStack(run);
    const pki = await trustedPki(stack.as, run);
    const declarationId = `GD-${run}-AR`;
    await fileGd(stack.as, pki, declarationId);
    await sealedDevice(stack.as, {
      deviceId: `EL-${run}-AR`,
      sealId,
      publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      routeId: 'FARM-MKT',
      conveyance: 'YUE-L-23456',
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
            name: 'Huizhou River Farm',
            region: 'Huizhou',
            species: ['PIG'],
            veterinarian: { registrationNo: `VET-${run}`, certificateSha256: vet },
          }),
        ],
        {
          farm: JSON.stringify({ operator: 'Co-op', address: 'Huizhou', veterinarianName: 'Dr R' }),
        },
      ),
    );
    for (const c of [sealed, certified]) {
      const certificate: HealthCertificate = {
        certificateNo: `HC-${c.id}`,
        consignmentId: c.id,
        farmId,
        species: 'PIG',
        headCount: c.tags.length,
        animals: c.tags.map((earTag) => ({ earTag })),
        vaccinations: [],
        residueTests: [
          {
            substance: 'Clenbuterol',
            result: 'NEGATIVE',
            sampledOn: '2026-11-20',
            laboratory: 'L',
          },
        ],
        issuedOn: '2026-11-25',
        slaughterhouse: 'SSSH',
        declarationId,
        conveyance: 'YUE-L-23456',
      };
      const cms = await pki.signers.gdTrader.sign(canonicalBytes(certificate));
      await ciq.submit('Livestock:Certify', [
        JSON.stringify(certificate),
        Buffer.from(cms).toString('base64'),
      ]);
    }
    await soon(() => ciq.submit('Livestock:LinkSeal', [sealed.id, sealId]));
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('shows a farm and its consignments to GD inspection, in Simplified and Traditional Chinese', async () => {
    const page = await personPage(browser, stack.base, 'en');
    await officerSignIn(page, 'gdciq', 'inspector1', 'zh-CN');
    await page.getByRole('link', { name: '养殖场' }).click();
    await page.getByRole('heading', { name: '供港食用动物养殖场' }).waitFor();
    await page.fill('input[name="farmId"]', farmId);
    await page.getByRole('button', { name: '显示' }).click();
    const view = page.getByTestId('farm-view');
    await view.waitFor();
    expect(await view.getAttribute('data-status')).toBe('ACTIVE');
    expect(await view.textContent()).toContain('已注册');
    const row = (id: string) => page.locator(`tr[data-consignment="${id}"]`);
    expect(await row(sealed.id).textContent()).toContain(sealId);
    expect(await row(sealed.id).textContent()).toContain('已施封，运输中');
    expect(await row(certified.id).textContent()).toContain('已出证');
    expect(await row(certified.id).getAttribute('data-held')).toBe('no');
    await screenshot(page, 'farm-zh-CN');

    await page.selectOption('label.lang select', 'zh-HK');
    await page.getByRole('heading', { name: '供港食用動物農場' }).waitFor();
    expect(await row(sealed.id).textContent()).toContain('已施封，運送中');
    await screenshot(page, 'farm-zh-HK');

    // A farm that is not registered: the code, in words.
    await page.fill('input[name="farmId"]', `F-${run}-NONE`);
    await page.getByRole('button', { name: '顯示' }).click();
    const error = page.getByTestId('farm-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('NOT_FOUND');
  }, 120_000);

  it('records arrival checks at Man Kam To as a Centre for Food Safety officer, in Traditional and Simplified Chinese', async () => {
    const page = await personPage(browser, stack.base, 'en');
    await officerSignIn(page, 'hkcfs', 'inspector1', 'zh-HK');
    await page.getByRole('link', { name: '抵港檢查' }).click();
    await page.getByRole('heading', { name: '文錦渡抵港檢查' }).waitFor();
    await page.fill('input[name="consignmentId"]', sealed.id);
    await page.fill('textarea[name="earTags"]', [...sealed.tags].reverse().join('\n'));
    await page.getByText('3 個耳標').waitFor();
    await page.getByRole('button', { name: '記錄檢查' }).click();
    const result = page.getByTestId('arrival-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-result')).toBe('ACCEPTED');
    expect(await result.textContent()).toContain('接受');
    await screenshot(page, 'arrival-zh-HK');

    // The other consignment, in Simplified Chinese: a tag not read, a stray one read, and
    // no seal on the truck: flagged with each finding (the check is kept, not refused).
    await page.selectOption('label.lang select', 'zh-CN');
    await page.getByRole('heading', { name: '文锦渡抵港检查' }).waitFor();
    await page.fill('input[name="consignmentId"]', certified.id);
    await page.fill('textarea[name="earTags"]', `${certified.tags[0]}\n${run}9999`);
    await page.getByRole('button', { name: '记录检查' }).click();
    await page.locator('[data-testid="arrival-result"][data-result="FLAGGED"]').waitFor({
      timeout: 60_000,
    });
    expect(await page.locator('li[data-flag="EAR_TAG_MISMATCH"]').textContent()).toBe(
      '耳标与证书不符',
    );
    expect(await page.locator('li[data-flag="NOT_SEALED"]').count()).toBe(1);
    expect(await result.textContent()).toContain(certified.tags[1]);
    expect(await result.textContent()).toContain(`${run}9999`);
    await screenshot(page, 'arrival-zh-CN');

    // The same consignment again: the ledger keeps one check (a coded refusal, in words).
    await page.getByRole('button', { name: '记录检查' }).click();
    const error = page.getByTestId('arrival-error');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.getAttribute('data-code')).toBe('ALREADY_EXISTS');
  }, 180_000);
});
