/**
 * The pair page of a dual filing in headless Chromium against the devnet, in zh-HK and
 * zh-CN: an HK e-Cert trader files once at HK (HTTP API); the page shows HK's half and that
 * GD has not filed its half yet; GD's node files it (the gateway's dual worker, one pass);
 * the page shows both halves, then HK customs releases its half and the page shows it.
 *
 * The dual form: the HK e-Cert trader fills it in zh-HK (a reload half way keeps the draft),
 * signs with the .p12 and lands on the pair page, whose other half the other side's node
 * then files; a GD trader does the same in zh-CN, received at GD; a GD trader whose CA is
 * recognised for GD only is refused naming Hong Kong, on the HK side of the form, and keeps
 * the draft. Screenshots in both languages.
 */
import { canonicalBytes } from '@clearance/core';
import {
  ACCEPTED_POLICIES,
  createTestPki,
  listAuthority,
  sampleDualFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { createDualCommercialStore, fileAllPendingHalves, ledgerRefusal } from '@clearance/gateway';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { DualForm } from '../../portal/src/filing/dual-form';
import { fieldId } from '../../portal/src/filing/paths';
import { MESSAGES } from '../../portal/src/i18n/messages';
import { sampleDualForm } from '../../portal/testing/dual-sample';
import { pkcs12WithOpenssl } from '../../portal/testing/p12';
import { launchBrowser, personPage, screenshot, traderSignIn } from './support/browser';
import { startStack, type Stack } from './support/stack';
import { sealedDevice } from '../support/devnet-fixtures';

const P12_PASSWORD = 'dual trader p12 password';
type Words = (typeof MESSAGES)['en'];

/** Types the consignment's data (shared by both halves) into the dual form. */
async function typeShared(page: Page, form: DualForm, words: Words): Promise<void> {
  const fill = (path: string, value: string) => page.fill(`#${fieldId(path)}`, value);
  const choose = (path: string, value: string) => page.selectOption(`#${fieldId(path)}`, value);
  await fill('submissionId', form.submissionId);
  await choose('receivedIn', form.receivedIn);
  await fill('consignmentRef', form.consignmentRef);
  for (const role of ['declarant', 'consignor', 'consignee'] as const)
    for (const key of ['name', 'identifier', 'address', 'country'] as const)
      await fill(`${role}.${key}`, form[role][key]);
  await choose('transport.mode', form.transport.mode);
  for (const key of ['conveyance', 'tripId', 'billOfLading'] as const)
    await fill(`transport.${key}`, form.transport[key]);
  await choose('tradeTerms', form.tradeTerms);
  await fill('currency', form.currency);
  for (const [i, item] of form.items.entries()) {
    if (i > 0) await page.getByRole('button', { name: words['form.addItem'] }).click();
    for (const key of [
      'hsCode',
      'description',
      'quantity',
      'origin',
      'unitValue',
      'totalValue',
    ] as const)
      await fill(`items.${i}.${key}`, item[key]);
    await choose(`items.${i}.unit`, item.unit);
  }
  await fill('packages.count', form.packages.count);
  await choose('packages.kind', form.packages.kind);
  await fill('grossWeightKg', form.grossWeightKg);
  await fill('netWeightKg', form.netWeightKg);
  for (const [i, c] of form.containers.entries()) {
    await page.getByRole('button', { name: words['form.addContainer'] }).click();
    await fill(`containers.${i}.number`, c.number);
    await fill(`containers.${i}.sealNumbers`, c.sealNumbers);
  }
  for (const [i, d] of form.documents.entries()) {
    await page.getByRole('button', { name: words['form.addDocument'] }).click();
    await fill(`documents.${i}.type`, d.type);
    await fill(`documents.${i}.reference`, d.reference);
  }
  await fill('invoiceNumber', form.invoiceNumber);
}

/**
 * Types each side's own fields. The side's declaration numbers follow the submission's,
 * GD's ports follow HK's and GD's direction is the opposite of HK's: checked, not typed.
 */
async function typeSides(page: Page, form: DualForm): Promise<void> {
  const fill = (path: string, value: string) => page.fill(`#${fieldId(path)}`, value);
  const value = (path: string) => page.inputValue(`#${fieldId(path)}`);
  await page.selectOption(`#${fieldId('sides.HK.direction')}`, form.sides.HK.direction);
  for (const side of ['HK', 'GD'] as const) {
    await expect(value(`sides.${side}.declarationId`)).resolves.toBe(
      form.sides[side].declarationId,
    );
    await fill(`sides.${side}.customsOffice`, form.sides[side].customsOffice);
    if (side === 'HK')
      for (const port of ['portOfLoading', 'portOfDischarge'] as const)
        await fill(`sides.HK.${port}`, form.sides.HK[port]);
    for (const key of ['freight', 'insurance'] as const)
      await fill(`sides.${side}.${key}`, form.sides[side][key]);
  }
  await expect(value('sides.GD.direction')).resolves.toBe(form.sides.GD.direction);
  await expect(value('sides.GD.portOfLoading')).resolves.toBe(form.sides.GD.portOfLoading);
  await expect(value('sides.GD.portOfDischarge')).resolves.toBe(form.sides.GD.portOfDischarge);
}

/** Submits the form; opens the .p12 again first if the page asks (after a reload). */
async function signAndSubmit(page: Page, p12: Uint8Array): Promise<void> {
  await page.getByTestId('sign-submit').click();
  const done = '.half[data-side], [data-testid="submit-error"], [data-testid="form-errors"]';
  await page.locator(`${done}, #sign-file`).first().waitFor({ timeout: 60_000 });
  if (await page.locator('#sign-file').count()) {
    await page.setInputFiles('#sign-file', {
      name: 'trader.p12',
      mimeType: 'application/x-pkcs12',
      buffer: Buffer.from(p12),
    });
    await page.fill('#sign-password', P12_PASSWORD);
    await page.locator('#sign-password').press('Enter');
    await page.locator(done).first().waitFor({ timeout: 90_000 });
  }
  if (await page.getByTestId('form-errors').count())
    throw new Error(`the form found errors: ${await page.getByTestId('form-errors').innerText()}`);
}

describe('the pair page in a browser, on the devnet', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const id = `DUAL-${run}-WEB`;
  let stack: Stack;
  let pki: TestPki;
  /** A PKI whose GD authority is recognised for GD declarations only. */
  let gdOnly: TestPki;
  let browser: Browser;
  let trader: Page;

  beforeAll(async () => {
    // The test PKIs (key generation, seconds) are made while the devnet starts.
    [stack, pki, gdOnly] = await Promise.all([
      startStack(run),
      createTestPki({ idSuffix: run }),
      createTestPki({ idSuffix: `${run}-GDONLY` }),
    ]);
    await listAuthority(
      stack.as('hkcustoms/trust-admin'),
      stack.as('gdcustoms/trust-admin'),
      pki.hk,
    );
    await listAuthority(
      stack.as('gdcustoms/trust-admin'),
      stack.as('hkcustoms/trust-admin'),
      pki.gd,
    );
    await listAuthority(
      stack.as('gdcustoms/trust-admin'),
      stack.as('hkcustoms/trust-admin'),
      JSON.stringify({
        authorityId: gdOnly.gd.authorityId,
        name: 'GD local CA, GD declarations only (test)',
        jurisdiction: 'GD',
        caCertPem: gdOnly.gd.caPem,
        acceptedPolicies: ACCEPTED_POLICIES.GD,
        crlPem: gdOnly.gd.crlPem,
        recognisedFor: ['GD'],
      }),
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

    // One e-lock seals the consignment of both halves; HK customs decides its crossing.
    const sealId = `SEAL-${run}-PAIR`;
    const crossingId = `X-${run}-PAIR`;
    await sealedDevice(stack.as, {
      deviceId: `EL-${run}-PAIR`,
      sealId,
      publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      tagUid: randomBytes(7).toString('hex'),
      declarationIds: [`${id}-HK`, `${id}-GD`],
    });
    await hk.submit('Crossing:Decide', [
      JSON.stringify({ crossingId, sealId, controlPoint: 'LMC', direction: 'NORTHBOUND' }),
    ]);

    await trader.reload();
    await trader.locator('[data-side="GD"] [data-state="SUBMITTED"]').waitFor();
    await trader.locator('[data-side="HK"] [data-state="RELEASED"]').waitFor();
    await expect(trader.locator('[data-side="HK"]').innerText()).resolves.toContain('HKCustomsMSP');
    // The pair's seal and its crossing, on the same page (from the index: it may trail).
    const crossingRow = trader.locator(`[data-crossing="${crossingId}"]`);
    const sealTitle = trader.getByRole('heading', { name: new RegExp(sealId) });
    for (let attempt = 1; ; attempt++) {
      const shown = await Promise.all([
        crossingRow.waitFor({ timeout: 3_000 }),
        sealTitle.waitFor({ timeout: 3_000 }),
      ]).then(
        () => true,
        () => false,
      );
      if (shown) break;
      if (attempt === 10)
        throw new Error(
          `the pair page shows no seal ${sealId} or crossing: ${await trader.locator('main').innerText()}`,
        );
      await trader.reload();
      await trader.locator('[data-side="HK"] [data-state="RELEASED"]').waitFor();
    }
    await screenshot(trader, 'pair-zh-HK');

    await trader.selectOption('header select', 'zh-CN');
    await trader.getByRole('heading', { name: `一单两报 ${id}` }).waitFor();
    await expect(trader.locator('[data-side="GD"]').innerText()).resolves.toContain('尚未放行');
    await screenshot(trader, 'pair-zh-CN');
    await trader.selectOption('header select', 'en');
  }, 120_000);
  it('a trader fills the dual form in zh-HK, keeps the draft over a reload, signs once and sees both halves', async () => {
    // The HK e-Cert trader signed in above.
    const words = MESSAGES['zh-HK'];
    const formId = `DUAL-${run}-FORM-HK`;
    const { form } = await sampleDualForm(formId, 'HK');
    await trader.selectOption('header select', 'zh-HK');
    await trader.locator('nav').getByRole('link', { name: words['nav.newDual'] }).click();
    await trader.getByRole('heading', { name: words['dual.newTitle'] }).waitFor();
    await expect(trader.inputValue(`#${fieldId('receivedIn')}`)).resolves.toBe('HK');
    await typeShared(trader, form, words);

    // A reload half way loses nothing (and the key: the page asks for the .p12 again).
    await trader.reload();
    await trader.getByRole('heading', { name: words['dual.newTitle'] }).waitFor();
    await expect(trader.inputValue(`#${fieldId('submissionId')}`)).resolves.toBe(formId);
    await expect(trader.inputValue(`#${fieldId('items.1.hsCode')}`)).resolves.toBe(
      form.items[1]!.hsCode,
    );
    await typeSides(trader, form);
    await screenshot(trader, 'dual-form-zh-HK');

    const p12 = await pkcs12WithOpenssl(pki.signers.hkTrader, P12_PASSWORD);
    await signAndSubmit(trader, p12);
    if (await trader.getByTestId('submit-error').count())
      throw new Error(`refused: ${await trader.getByTestId('submit-error').innerText()}`);
    await trader.getByRole('heading', { name: `一單兩報 ${formId}` }).waitFor();
    await trader.locator('[data-side="HK"] [data-state="SUBMITTED"]').waitFor();
    await trader.locator('[data-side="GD"] [data-pending="half"]').waitFor();

    // GD's node files its half from the submission (one pass of its worker).
    await fileAllPendingHalves({
      agents: { GD: async () => stack.as('gdcustoms/agent') },
      commercial: createDualCommercialStore(stack.pool),
    });
    await trader.reload();
    await trader.locator('[data-side="GD"] [data-state="SUBMITTED"]').waitFor();
    await expect(trader.locator('[data-side="GD"] h2').innerText()).resolves.toContain(
      `${formId}-GD`,
    );
    await screenshot(trader, 'dual-filed-zh-HK');

    // One amendment of shared data, one new signature: both halves follow.
    await trader.getByRole('link', { name: words['pair.amend'] }).click();
    await trader.getByRole('heading', { name: `修改一單兩報 ${formId}` }).waitFor();
    await expect(trader.inputValue(`#${fieldId('sides.GD.customsOffice')}`)).resolves.toBe(
      form.sides.GD.customsOffice,
    );
    const fill = (path: string, value: string) => trader.fill(`#${fieldId(path)}`, value);
    for (const [i, item] of form.items.entries()) {
      await fill(`items.${i}.unitValue`, item.unitValue);
      await fill(`items.${i}.totalValue`, item.totalValue);
    }
    await fill('invoiceNumber', form.invoiceNumber);
    await fill('packages.count', String(Number(form.packages.count) + 1));
    await signAndSubmit(trader, p12);
    if (await trader.getByTestId('submit-error').count())
      throw new Error(`amendment refused: ${await trader.getByTestId('submit-error').innerText()}`);
    await trader.getByRole('heading', { name: `一單兩報 ${formId}` }).waitFor();
    await trader.locator('.facts dd', { hasText: /^2$/ }).waitFor();
    await trader.locator('[data-side="GD"] [data-pending="amendment"]').waitFor();
    await fileAllPendingHalves({
      agents: { GD: async () => stack.as('gdcustoms/agent') },
      commercial: createDualCommercialStore(stack.pool),
    });
    await trader.reload();
    await trader.locator('[data-side="GD"] [data-state="SUBMITTED"]').waitFor();
    await expect(trader.locator('[data-pending]').count()).resolves.toBe(0);
    await screenshot(trader, 'dual-amended-zh-HK');

    // Filed: the draft is gone.
    await trader.locator('nav').getByRole('link', { name: words['nav.newDual'] }).click();
    await expect(trader.inputValue(`#${fieldId('submissionId')}`)).resolves.toBe('');
    await trader.selectOption('header select', 'en');
  }, 180_000);

  it('a GD trader files the dual form in zh-CN at GD; a CA recognised for GD only is refused naming Hong Kong', async () => {
    const words = MESSAGES['zh-CN'];
    for (const [who, signer, formId] of [
      ['gd', pki.signers.gdTrader, `DUAL-${run}-FORM-GD`],
      ['gd-only', gdOnly.signers.gdTrader, `DUAL-${run}-GDONLY`],
    ] as const) {
      const page = await personPage(browser, stack.base);
      const p12 = await pkcs12WithOpenssl(signer, P12_PASSWORD);
      await traderSignIn(page, p12, P12_PASSWORD);
      await page.getByTestId('who').waitFor();
      await page.selectOption('header select', 'zh-CN');
      await page.goto('/#/dual/new');
      await page.getByRole('heading', { name: words['dual.newTitle'] }).waitFor();
      const { form } = await sampleDualForm(formId, 'GD');
      await expect(page.inputValue(`#${fieldId('receivedIn')}`)).resolves.toBe('GD');
      await typeShared(page, form, words);
      await typeSides(page, form);
      await signAndSubmit(page, p12);

      if (who === 'gd-only') {
        await expect(page.getByTestId('submit-error').getAttribute('data-code')).resolves.toBe(
          'CERTIFICATE_REJECTED',
        );
        await expect(page.getByTestId('side-error-HK').innerText()).resolves.toBe(
          words['dual.sideRefused'].replace('{side}', words['jurisdiction.HK']),
        );
        await expect(page.getByTestId('side-error-GD').count()).resolves.toBe(0);
        await screenshot(page, 'dual-refused-zh-CN');
        // Nothing recorded for either side; the draft is kept.
        for (const [agent, half] of [
          ['gdcustoms/agent', `${formId}-GD`],
          ['hkcustoms/agent', `${formId}-HK`],
        ] as const) {
          const read = stack.as(agent).evaluate('Declaration:Get', [half]);
          await expect(read.then(() => 'recorded', ledgerRefusal)).resolves.toBe('NOT_FOUND');
        }
        await page.reload();
        await page.getByRole('heading', { name: words['dual.newTitle'] }).waitFor();
        await expect(page.inputValue(`#${fieldId('submissionId')}`)).resolves.toBe(formId);
      } else {
        if (await page.getByTestId('submit-error').count())
          throw new Error(`refused: ${await page.getByTestId('submit-error').innerText()}`);
        await page.getByRole('heading', { name: `一单两报 ${formId}` }).waitFor();
        await page.locator('[data-side="GD"] [data-state="SUBMITTED"]').waitFor();
        await fileAllPendingHalves({
          agents: { HK: async () => stack.as('hkcustoms/agent') },
          commercial: createDualCommercialStore(stack.pool),
        });
        await page.reload();
        await page.locator('[data-side="HK"] [data-state="SUBMITTED"]').waitFor();
        await screenshot(page, 'dual-filed-zh-CN');
      }
      await page.context().close();
    }
  }, 240_000);
});
