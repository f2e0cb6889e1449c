/**
 * The portal in headless Chromium against the whole system on the devnet: a trader signs
 * in with a PKCS#12 certificate and files a signed declaration; officers of GD customs and
 * GD inspection accept, inspect and release it under their own identities while the
 * trader's page follows live; a seal alarm reaches the officer's monitor and holds a
 * declaration; wrong passwords and bad declarations get the right messages.
 */
import {
  ACCEPTED_POLICIES,
  createChainPki,
  listAuthority,
  sampleFiling,
  sm2Pkcs8Pem,
  toPem,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { formFromFiling, type FilingForm } from '../../portal/src/filing/form';
import { pkcs12WithOpenssl } from '../../portal/testing/p12';
import { ROUTES } from '@clearance/domain/node';
import { simulateTrip } from '../../seal-devices/src/fleet/simulator';
import { fileGd, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { launchBrowser, personPage, screenshot, traderSignIn } from './support/browser';
import { OFFICER_PASSWORD, startStack, type Stack } from './support/stack';

const P12_PASSWORD = 'trader p12 password';

/** Types a whole filing into the declaration form, field by field. */
async function typeFiling(page: Page, form: FilingForm): Promise<void> {
  const fill = (path: string, value: string) => page.fill(`#f-${path.replace(/\./g, '-')}`, value);
  const choose = (path: string, value: string) =>
    page.selectOption(`#f-${path.replace(/\./g, '-')}`, value);
  await fill('declarationId', form.declarationId);
  await choose('direction', form.direction);
  await choose('jurisdiction', form.jurisdiction);
  await fill('consignmentRef', form.consignmentRef);
  await fill('customsOffice', form.customsOffice);
  for (const role of ['declarant', 'consignor', 'consignee'] as const) {
    for (const key of ['name', 'identifier', 'address', 'country'] as const)
      await fill(`${role}.${key}`, form[role][key]);
  }
  await choose('transport.mode', form.transport.mode);
  for (const key of ['conveyance', 'tripId', 'billOfLading'] as const)
    await fill(`transport.${key}`, form.transport[key]);
  await fill('portOfLoading', form.portOfLoading);
  await fill('portOfDischarge', form.portOfDischarge);
  await choose('tradeTerms', form.tradeTerms);
  await fill('currency', form.currency);
  for (const [i, item] of form.items.entries()) {
    if (i > 0) await page.getByRole('button', { name: 'Add an item' }).click();
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
    await page.getByRole('button', { name: 'Add a container' }).click();
    await fill(`containers.${i}.number`, c.number);
    await fill(`containers.${i}.sealNumbers`, c.sealNumbers);
  }
  for (const [i, d] of form.documents.entries()) {
    await page.getByRole('button', { name: 'Add a document' }).click();
    await fill(`documents.${i}.type`, d.type);
    await fill(`documents.${i}.reference`, d.reference);
  }
  await fill('invoiceNumber', form.invoiceNumber);
  await fill('freight', form.freight);
  await fill('insurance', form.insurance);
}

async function officerSignIn(page: Page, organisation: string, username: string) {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Officer' }).click();
  await page.selectOption('#officer-organisation', organisation);
  await page.fill('#officer-username', username);
  await page.fill('#officer-password', OFFICER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('who').waitFor();
}

/** An officer act through its dialog; waits until the ledger has it. */
async function act(page: Page, action: string, fill?: () => Promise<void>) {
  await page.click(`button[data-act="${action}"]`);
  await fill?.();
  await page.getByTestId('act-confirm').click();
  await page.locator(`[data-testid="act-done"][data-action="${action}"]`).waitFor();
}

const stateOf = (page: Page) => page.getByTestId('declaration-state');

describe('the portal in a browser, on the devnet', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const declarationId = `GD-${run}-WEB`;
  let stack: Stack;
  let pki: TestPki;
  let p12: Uint8Array;
  let browser: Browser;
  let trader: Page;

  beforeAll(async () => {
    stack = await startStack(run);
    pki = await trustedPki(stack.as, run);
    p12 = await pkcs12WithOpenssl(pki.signers.gdTrader, P12_PASSWORD);
    browser = await launchBrowser();
    trader = await personPage(browser, stack.base);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('says when the certificate password is wrong, then signs the trader in', async () => {
    await traderSignIn(trader, p12, 'not the password');
    const error = trader.locator('#trader-error');
    await expect(error.getAttribute('data-code')).resolves.toBe('P12_WRONG_PASSWORD');
    await expect(error.innerText()).resolves.toContain('The certificate password is wrong.');
    await expect(trader.getAttribute('#trader-password', 'aria-invalid')).resolves.toBe('true');
    await screenshot(trader, 'sign-in-wrong-password');

    await trader.fill('#trader-password', P12_PASSWORD);
    await trader.getByRole('button', { name: 'Sign in with certificate' }).click();
    await trader.getByRole('heading', { name: 'My declarations' }).waitFor();
    await expect(trader.getByTestId('who').innerText()).resolves.toBe('GD Trader');
  }, 60_000);

  it('marks the mistakes of a declaration, in the language chosen, and keeps what was typed', async () => {
    await trader.goto('/#/declarations/new');
    const form = formFromFiling(sampleFiling(`${declarationId}-BAD`).declaration);
    form.items[0]!.hsCode = '8542';
    form.containers[0]!.number = 'CSQU3054384';
    await typeFiling(trader, form);
    await trader.getByTestId('sign-submit').click();
    const errors = trader.getByTestId('form-errors');
    await errors.waitFor();
    await expect(trader.getAttribute('#f-items-0-hsCode', 'aria-invalid')).resolves.toBe('true');
    await expect(trader.locator('#f-items-0-hsCode-error').innerText()).resolves.toBe(
      'Enter an HS code of 6, 8 or 10 digits.',
    );
    await expect(
      trader.locator('#f-containers-0-number-error').getAttribute('data-kind'),
    ).resolves.toBe('container');
    // The commercial values are missing too (the amendment form starts without them).
    await expect(
      trader.locator('#f-items-0-totalValue-error').getAttribute('data-kind'),
    ).resolves.toBe('required');
    // Focus went to the list of problems.
    await expect(trader.evaluate('document.activeElement?.className')).resolves.toBe(
      'summary-anchor',
    );

    await trader.selectOption('header select', 'zh-HK');
    await expect(trader.locator('#f-items-0-hsCode-error').innerText()).resolves.toBe(
      '請輸入 6、8 或 10 位數字的 HS 編碼。',
    );
    await trader.selectOption('header select', 'zh-CN');
    await expect(trader.locator('#f-items-0-hsCode-error').innerText()).resolves.toBe(
      '请输入 6、8 或 10 位数字的商品编码。',
    );
    await trader.selectOption('header select', 'en');

    // A reload keeps the draft.
    await trader.reload();
    await expect(trader.inputValue('#f-declarationId')).resolves.toBe(`${declarationId}-BAD`);
    await expect(trader.inputValue('#f-items-0-hsCode')).resolves.toBe('8542');
  }, 90_000);

  it('files a declaration signed in the browser', async () => {
    await trader.goto('/#/declarations/new');
    trader.once('dialog', (d) => void d.accept());
    await trader.getByRole('button', { name: 'Discard draft' }).click();
    await expect(trader.inputValue('#f-declarationId')).resolves.toBe('');
    const filing = sampleFiling(declarationId);
    await typeFiling(trader, formFromFiling(filing.declaration, filing.commercial));
    await screenshot(trader, 'new-declaration');
    // The page was reloaded since sign-in, so the key is gone from memory: the portal asks
    // for the certificate again before it signs.
    await trader.getByTestId('sign-submit').click();
    await trader.setInputFiles('#sign-file', {
      name: 'trader.p12',
      mimeType: 'application/x-pkcs12',
      buffer: Buffer.from(p12),
    });
    await trader.fill('#sign-password', P12_PASSWORD);
    await trader.locator('#sign-password').press('Enter');
    const outcome = trader.locator(
      '[data-testid="declaration-state"], [data-testid="submit-error"]',
    );
    await outcome.first().waitFor({ timeout: 60_000 });
    if (await trader.getByTestId('submit-error').count())
      throw new Error(`submission failed: ${await trader.getByTestId('submit-error').innerText()}`);
    await expect(stateOf(trader).getAttribute('data-state')).resolves.toBe('SUBMITTED');
    await expect(
      trader.locator('[data-testid="timeline"] li[data-action="FILE"]').count(),
    ).resolves.toBe(1);
    const evidence = await trader.getByTestId('signature').innerText();
    expect(evidence).toContain('GD Trader');
    expect(evidence).toContain(pki.gd.authorityId);
    expect(evidence).toContain('Guangdong');
    // The draft is gone once filed.
    await expect(
      trader.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('portal.draft'))"),
    ).resolves.toEqual([]);
  }, 120_000);

  it('both GD agencies accept, inspect and release it; the trader sees RELEASED live', async () => {
    const customs = await personPage(browser, stack.base);
    await officerSignIn(customs, 'gdcustoms', 'officer1');
    await customs.getByRole('heading', { name: 'Work queue' }).waitFor();
    await customs.locator(`tr[data-id="${declarationId}"]`).waitFor();
    await screenshot(customs, 'officer-queue');
    await customs.click(`a[href="#/declarations/${declarationId}"]`);
    await act(customs, 'ACCEPT');
    await act(customs, 'ASSESS_RISK', async () => {
      await customs.selectOption('#act-level', 'MEDIUM');
      await customs.fill('#act-score', '55');
    });
    await act(customs, 'ORDER_INSPECTION', () =>
      customs.fill('#act-reason', 'joint check at Huanggang'),
    );
    await act(customs, 'RECORD_INSPECTION', () =>
      customs.fill('#act-findings', 'goods match the declaration'),
    );
    await expect(customs.getByTestId('act-done').innerText()).resolves.toContain('GDCustomsMSP');

    const ciq = await personPage(browser, stack.base);
    await officerSignIn(ciq, 'gdciq', 'inspector1');
    await ciq.goto(`/#/declarations/${declarationId}`);
    await act(ciq, 'RECORD_INSPECTION', () => ciq.fill('#act-findings', 'no pests found'));
    // The page reads the record again once the act is done (and again at its event): the
    // new state follows the confirmation, not necessarily with it.
    await ciq
      .locator('[data-testid="declaration-state"][data-state="INSPECTED"]')
      .waitFor({ timeout: 10_000 });
    await act(ciq, 'RELEASE');

    // The trader's page is open on the declaration and is not reloaded from here on.
    await trader.goto(`/#/declarations/${declarationId}`);
    await expect(stateOf(trader).getAttribute('data-state')).resolves.toBe('INSPECTED');
    await customs.reload();
    await act(customs, 'RELEASE');
    await trader
      .locator('[data-testid="declaration-state"][data-state="RELEASED"]')
      .waitFor({ timeout: 30_000 });

    const timeline = trader.getByTestId('timeline');
    await expect(timeline.locator('li[data-action="RELEASE"]').count()).resolves.toBe(2);
    const text = await timeline.innerText();
    expect(text).toContain('inspector1@gdciq.clearance.test · GDCIQMSP');
    expect(text).toContain('officer1@gdcustoms.clearance.test · GDCustomsMSP');
    await screenshot(trader, 'declaration-timeline');
    await customs.context().close();
    await ciq.context().close();
  }, 180_000);

  const sealedId = `GD-${run}-SEALED`;
  const sealId = `SEAL-${run}`;

  it('shows a seal alarm on the officer monitor as it happens and holds the sealed declaration', async () => {
    await fileGd(stack.as, pki, sealedId);
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const deviceId = `EL-${run}`;
    await sealedDevice(stack.as, {
      deviceId,
      sealId,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      routeId: 'HKIA-FUTIAN',
      declarationIds: [sealedId],
    });
    // The first part of the trip, as the e-lock reports it (signed readings).
    const trip = simulateTrip({
      deviceId,
      privateKey: keys.privateKey,
      route: ROUTES.find((r) => r.id === 'HKIA-FUTIAN')!,
      departure: new Date(Date.now() - 30 * 60_000),
      intervalS: 30,
    }).slice(0, 40);
    const posted = await fetch(`${stack.base}/v1/seals/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ readings: trip }),
    });
    expect(posted.status).toBe(202);

    const officer = await personPage(browser, stack.base);
    await officerSignIn(officer, 'gdcustoms', 'officer1');
    await officer.goto('/#/seals');
    await officer.getByRole('heading', { name: 'Seal monitor' }).waitFor();
    await trader.goto(`/#/declarations/${sealedId}`);
    await expect(stateOf(trader).getAttribute('data-hold')).resolves.toBe('false');

    await stack
      .as('logistics/operator1')
      .submit('Seal:RecordAlarm', [sealId, 'TAMPER', 'shackle cut near San Tin']);

    const banner = officer.getByTestId('alarm-banner');
    await banner.waitFor({ timeout: 30_000 });
    await expect(banner.innerText()).resolves.toContain(`TAMPER on seal ${sealId}`);
    await expect(banner.innerText()).resolves.toContain(sealedId);
    await screenshot(officer, 'seal-monitor-alarm');

    // The trader's open page shows the hold without a reload; so does the officer's queue.
    await trader
      .locator('[data-testid="declaration-state"][data-hold="true"]')
      .waitFor({ timeout: 30_000 });
    await expect(trader.locator('.hold-note').innerText()).resolves.toContain('TAMPER');
    await officer.goto('/#/queue');
    await officer.click('button[data-queue="hold"]');
    await officer.locator(`tr[data-id="${sealedId}"] [data-hold="true"]`).waitFor();
    await officer.context().close();
  }, 180_000);

  it('lists seals alarms first, each with its track on the route map', async () => {
    const officer = await personPage(browser, stack.base);
    await officerSignIn(officer, 'gdcustoms', 'officer1');
    await officer.goto('/#/seals');
    await officer.locator(`tr[data-seal="${sealId}"].alarmed`).waitFor();
    // Alarmed seals first: no quiet seal above an alarmed one (other runs' seals share
    // the devnet, so ours need not be the very first).
    const alarmed = await officer
      .locator('[data-testid="seal-list"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.classList.contains('alarmed')));
    expect(
      alarmed.indexOf(false) === -1 || alarmed.lastIndexOf(true) < alarmed.indexOf(false),
    ).toBe(true);
    await officer.click(`a[href="#/seals/${sealId}"]`);
    await officer.getByTestId('route-map').waitFor();
    await officer.getByTestId('track').waitFor();
    // The readings draw the track; only those that are not routine positions get a mark.
    await expect(officer.locator('.route-map [data-event="POSITION"]').count()).resolves.toBe(0);
    await expect(
      officer.locator('.route-map ol.events li[data-event="SEALED"]').count(),
    ).resolves.toBe(1);
    await expect(
      officer.locator('[data-testid="seal-alarms"] li[data-kind="TAMPER"]').count(),
    ).resolves.toBe(1);
    await screenshot(officer, 'seal-monitor');
    await officer.context().close();
  }, 120_000);

  it('greets people in Traditional Chinese, with dates in the chosen locale', async () => {
    const visitor = await personPage(browser, stack.base, 'zh-HK');
    await visitor.goto('/');
    await visitor.getByRole('heading', { name: '登入' }).waitFor();
    await expect(visitor.evaluate('document.documentElement.lang')).resolves.toBe('zh-HK');
    await screenshot(visitor, 'sign-in');
    await visitor.context().close();
  }, 60_000);

  it('a GD trader with an SM2 certificate signs in and files; the page shows the path and algorithm', async () => {
    const chains = await createChainPki();
    const { gd } = chains;
    const authorityId = `GD-SM2-${run}`;
    const admin = stack.as('gdcustoms/trust-admin');
    await listAuthority(
      admin,
      stack.as('hkcustoms/trust-admin'),
      JSON.stringify({
        authorityId,
        name: `${authorityId} (test)`,
        jurisdiction: 'GD',
        caCertPem: toPem('CERTIFICATE', gd.root.der),
        acceptedPolicies: ACCEPTED_POLICIES.GD,
        crlPem: toPem('X509 CRL', gd.rootCrl),
        caCertificatesPem: [toPem('CERTIFICATE', gd.intermediate.der)],
      }),
    );
    await admin.submit('TrustList:UpdateRevocationList', [
      authorityId,
      toPem('X509 CRL', gd.intermediateCrl),
    ]);
    // The trader's SM2 key and certificate in a PKCS#12 file made by OpenSSL.
    const dir = mkdtempSync(join(tmpdir(), 'sm2-e2e-'));
    let sm2P12: Uint8Array;
    try {
      writeFileSync(join(dir, 'key.pem'), sm2Pkcs8Pem(gd.trader.leaf.key), { mode: 0o600 });
      writeFileSync(join(dir, 'cert.pem'), gd.trader.leaf.pem);
      execFileSync(
        'openssl',
        [
          ...['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-name', 'sm2'],
          ...['-passout', 'env:PASS', '-out', 'sm2.p12'],
        ],
        { cwd: dir, env: { ...process.env, PASS: P12_PASSWORD } },
      );
      sm2P12 = new Uint8Array(readFileSync(join(dir, 'sm2.p12')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const page = await personPage(browser, stack.base);
    await traderSignIn(page, sm2P12, P12_PASSWORD);
    await page.getByRole('heading', { name: 'My declarations' }).waitFor();
    await expect(page.getByTestId('who').innerText()).resolves.toBe('GD SM2 Trader');

    const sm2Id = `GD-${run}-SM2`;
    await page.goto('/#/declarations/new');
    const filing = sampleFiling(sm2Id);
    await typeFiling(page, formFromFiling(filing.declaration, filing.commercial));
    await page.getByTestId('sign-submit').click();
    const next = page.locator(
      '#sign-file, [data-testid="declaration-state"], [data-testid="submit-error"]',
    );
    await next.first().waitFor({ timeout: 60_000 });
    if (await page.locator('#sign-file').count()) {
      await page.setInputFiles('#sign-file', {
        name: 'sm2.p12',
        mimeType: 'application/x-pkcs12',
        buffer: Buffer.from(sm2P12),
      });
      await page.fill('#sign-password', P12_PASSWORD);
      await page.locator('#sign-password').press('Enter');
    }
    const outcome = page.locator('[data-testid="declaration-state"], [data-testid="submit-error"]');
    await outcome.first().waitFor({ timeout: 60_000 });
    if (await page.getByTestId('submit-error').count())
      throw new Error(`submission failed: ${await page.getByTestId('submit-error').innerText()}`);
    await expect(stateOf(page).getAttribute('data-state')).resolves.toBe('SUBMITTED');
    const evidence = await page.getByTestId('signature').innerText();
    expect(evidence).toContain('GD SM2 Trader');
    expect(evidence).toContain(authorityId);
    await expect(page.getByTestId('signature-algorithm').innerText()).resolves.toBe('SM3withSM2');
    await expect(
      page.locator('[data-testid="certification-path"] li').allInnerTexts(),
    ).resolves.toEqual(['GD SM2 Trader', 'GD SM2 Test Issuing CA', 'GD SM2 Test Root CA']);
    await screenshot(page, 'declaration-sm2');
    await page.context().close();
  }, 180_000);
});
