/**
 * Evidence in a browser, on the devnet: the trader of a released declaration makes a link
 * and its release slip; the slip's QR code, drawn on a canvas and decoded with jsQR, is the
 * link; anyone opening it (no account) gets the verdict in plain words from the verifier
 * running in the page, in each language; a bundle chosen as a file verifies, the same bundle
 * with one byte changed names the check it fails, facts changed in a pasted bundle are
 * refused; a revoked link says so.
 */
import jsQR from 'jsqr';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { pkcs12WithOpenssl } from '../../portal/testing/p12';
import { fileGd, trustedPki } from '../support/devnet-fixtures';
import { launchBrowser, personPage, screenshot, traderSignIn } from './support/browser';
import { startStack, type Stack } from './support/stack';

const P12_PASSWORD = 'trader p12 password';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bundles are read and changed as JSON
type Json = Record<string, any>;

/** Draws the slip's QR code (SVG) on a canvas in the page; jsQR decodes its pixels here. */
const DRAW_QR = `(async () => {
  const svg = document.querySelector('[data-testid="qr"]');
  const size = 480;
  const image = new Image();
  image.src = 'data:image/svg+xml;base64,' + btoa(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0, size, size);
  const data = context.getImageData(0, 0, size, size).data;
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000)
    binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return { size, rgba: btoa(binary) };
})()`;

async function decodeQr(page: Page): Promise<string | undefined> {
  const { size, rgba } = await page.evaluate<{ size: number; rgba: string }>(DRAW_QR);
  const pixels = new Uint8ClampedArray(Buffer.from(rgba, 'base64'));
  return jsQR(pixels, size, size)?.data;
}

/** Changes one byte in the middle of the subject transaction's block. */
function tampered(bundle: Json): Json {
  const copy = structuredClone(bundle);
  const envelope = Buffer.from(copy.blocks[0].data[0] as string, 'base64');
  const middle = Math.floor(envelope.length / 2);
  envelope.writeUInt8(envelope.readUInt8(middle) ^ 0x01, middle);
  copy.blocks[0].data[0] = envelope.toString('base64');
  return copy;
}

describe('evidence in a browser, on the devnet', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const id = `GD-${run}-SLIP`;
  let stack: Stack;
  let browser: Browser;
  let trader: Page;
  let link: string;
  let bundle: Json;

  beforeAll(async () => {
    stack = await startStack(run, { evidence: true });
    const pki = await trustedPki(stack.as, run);
    const p12 = await pkcs12WithOpenssl(pki.signers.gdTrader, P12_PASSWORD);
    await fileGd(stack.as, pki, id);
    const officer = stack.as('gdcustoms/officer1');
    await officer.submit('Declaration:Accept', [id, 'documents complete']);
    await officer.submit('Declaration:AssessRisk', [id, 'LOW', '5', 'known trader']);
    await officer.submit('Declaration:MarkReleaseEligible', [id, 'low risk']);
    await officer.submit('Declaration:Release', [id, 'duties paid']);
    await stack.as('gdciq/inspector1').submit('Declaration:Release', [id, 'no quarantine issue']);
    browser = await launchBrowser();
    trader = await personPage(browser, stack.base);
    await traderSignIn(trader, p12, P12_PASSWORD);
    await trader.getByRole('heading', { name: 'My declarations' }).waitFor();
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('makes a link and a release slip whose QR code decodes to the link', async () => {
    await trader.goto(`/#/declarations/${id}`);
    await trader.getByRole('button', { name: 'Make a link and a release slip' }).click();
    const slip = trader.getByTestId('release-slip');
    await slip.waitFor();
    link = (await trader.getByTestId('verify-link').innerText()).trim();
    expect(link).toMatch(new RegExp(`^${stack.base}/verify#[A-Za-z0-9_-]{43}$`));
    await expect(trader.getByTestId('slip-declaration').innerText()).resolves.toBe(id);
    await expect(slip.innerText()).resolves.toContain('Guangdong Inspection and Quarantine');
    expect(await decodeQr(trader)).toBe(link);
    await expect(trader.locator('[data-testid="evidence-links"] li').count()).resolves.toBe(1);
    await screenshot(trader, 'release-slip');
    // Printing shows the slip alone.
    await trader.emulateMedia({ media: 'print' });
    await expect(trader.locator('main h1').first().isVisible()).resolves.toBe(false);
    await expect(slip.isVisible()).resolves.toBe(true);
    await expect(trader.getByRole('button', { name: 'Print the slip' }).isVisible()).resolves.toBe(
      false,
    );
    await trader.emulateMedia({ media: 'screen' });
  }, 120_000);

  it('opens the link without an account and answers in plain words, in each language', async () => {
    const visitor = await personPage(browser, stack.base);
    await visitor.goto(link);
    const verdict = visitor.getByTestId('verdict');
    await verdict.waitFor();
    await expect(verdict.getAttribute('data-verdict')).resolves.toBe('verify.valid');
    const text = await visitor.getByTestId('verdict-text').innerText();
    expect(text).toMatch(
      /^Released by Guangdong Customs at .+ UTC and by Guangdong Inspection and Quarantine at .+ UTC \(declaration GD-/,
    );
    expect(text).toContain(id);
    await screenshot(visitor, 'verify-valid');
    await visitor.locator('.lang select').selectOption('zh-HK');
    await expect(visitor.getByTestId('verdict-text').innerText()).resolves.toContain(
      '已放行：由廣東海關於',
    );
    await expect(visitor.getByTestId('verdict-headline').innerText()).resolves.toBe('有效');
    await visitor.locator('.lang select').selectOption('zh-CN');
    await expect(visitor.getByTestId('verdict-text').innerText()).resolves.toContain(
      '已放行：由广东海关于',
    );
    await visitor.context().close();
  }, 120_000);

  it('verifies a bundle chosen as a file, and names the check a tampered one fails', async () => {
    const token = link.split('#')[1]!;
    const res = await fetch(`${stack.base}/v1/evidence/shared`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    bundle = (await res.json()) as Json;
    const visitor = await personPage(browser, stack.base);
    await visitor.goto('/verify');
    await visitor.getByTestId('trust-root').waitFor();
    const upload = async (content: unknown, n: number) => {
      await visitor.setInputFiles('#verify-file', {
        name: `bundle-${n}.json`,
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(content)),
      });
      const verdict = visitor.locator(`[data-testid="verdict"][data-n="${n}"]`);
      await verdict.waitFor();
      return verdict;
    };
    const good = await upload(bundle, 1);
    await expect(good.getAttribute('data-verdict')).resolves.toBe('verify.valid');
    const ms = Number(await visitor.getByTestId('verify-time').getAttribute('data-ms'));
    console.log(
      `evidence in the browser: bundle ${Buffer.byteLength(JSON.stringify(bundle))} bytes, verified in ${ms} ms (first check, verifier loaded)`,
    );

    const bad = await upload(tampered(bundle), 2);
    await expect(bad.getAttribute('data-verdict')).resolves.toBe('verify.tampered');
    await expect(visitor.getByTestId('verdict-headline').innerText()).resolves.toBe('Tampered');
    const failed = visitor.getByTestId('failed-check');
    await expect(failed.getAttribute('data-check')).resolves.toBe('block.data-hash');
    await expect(failed.getAttribute('data-reason')).resolves.toBe('DATA_HASH_MISMATCH');
    await expect(visitor.getByTestId('verdict-text').innerText()).resolves.toContain(
      'Not valid. Failed check: block contents hash',
    );
    await screenshot(visitor, 'verify-tampered');

    // Pasted, with the facts claiming another consignment: the statements do not cover it.
    const claimed = structuredClone(bundle);
    claimed.facts.consignmentRef = 'UCR-2026-OTHER';
    await visitor.fill('#verify-text', JSON.stringify(claimed));
    await visitor.getByRole('button', { name: 'Check', exact: true }).click();
    const pasted = visitor.locator('[data-testid="verdict"][data-n="3"]');
    await pasted.waitFor();
    await expect(pasted.getAttribute('data-verdict')).resolves.toBe('verify.tampered');
    await expect(visitor.getByTestId('failed-check').getAttribute('data-check')).resolves.toBe(
      'facts',
    );
    await visitor.fill('#verify-text', '{ not json');
    await visitor.getByRole('button', { name: 'Check', exact: true }).click();
    await visitor.locator('[data-verdict="not-json"]').waitFor();
    await visitor.context().close();
  }, 120_000);

  it('says a revoked link is revoked', async () => {
    await trader.getByRole('button', { name: 'Revoke' }).click();
    await trader.locator('[data-testid="evidence-links"] li[data-revoked="true"]').waitFor();
    const visitor = await personPage(browser, stack.base);
    await visitor.goto(link);
    const verdict = visitor.getByTestId('verdict');
    await verdict.waitFor();
    await expect(verdict.getAttribute('data-verdict')).resolves.toBe('LINK_REVOKED');
    await expect(visitor.getByTestId('verdict-headline').innerText()).resolves.toBe('Revoked');
    await visitor.goto(`/verify#${'A'.repeat(43)}`);
    await visitor.reload();
    await expect(visitor.getByTestId('verdict').getAttribute('data-verdict')).resolves.toBe(
      'NOT_FOUND',
    );
    await visitor.context().close();
  }, 120_000);
});
