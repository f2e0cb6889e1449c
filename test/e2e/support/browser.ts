/** Headless Chromium from the system (never a downloaded one), and screenshots for people. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOTS = path.join(__dirname, '..', '..', 'artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const hasChromium = (): boolean => fs.existsSync(CHROMIUM);

export function launchBrowser(): Promise<Browser> {
  if (!hasChromium())
    throw new Error(`the browser tests need Chromium at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page in its own browser context (own cookies: one person each), in `locale`. */
export async function personPage(browser: Browser, base: string, locale = 'en'): Promise<Page> {
  const context = await browser.newContext({
    baseURL: base,
    locale,
    viewport: { width: 1280, height: 900 },
  });
  // The language a person starts in (the page script reads it; they may switch later).
  await context.addInitScript(
    `if (!localStorage.getItem('portal.locale')) localStorage.setItem('portal.locale', ${JSON.stringify(locale)});`,
  );
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs a trader in with a PKCS#12 file and its password (the page opens it itself). */
export async function traderSignIn(page: Page, p12: Uint8Array, password: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.setInputFiles('#trader-file', {
    name: 'trader.p12',
    mimeType: 'application/x-pkcs12',
    buffer: Buffer.from(p12),
  });
  await page.fill('#trader-password', password);
  await page.getByRole('button', { name: 'Sign in with certificate' }).click();
}
