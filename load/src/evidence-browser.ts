/**
 * The evidence bench's browser half: the portal's /verify page in headless Chromium (the
 * system's, driven by playwright-core), served with the fixtures' trust root by a small
 * local server (no gateway, no devnet). Each bundle is chosen as a file `runs` times; the
 * page times verifyBundle itself (performance.now around it, as the CLI's warm column).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { percentile } from './stats';

const PORTAL_DIST = path.join(__dirname, '..', '..', 'portal', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};

export const browserAvailable = (): boolean =>
  fs.existsSync(CHROMIUM) && fs.existsSync(path.join(PORTAL_DIST, 'verify.html'));

/** The built portal's files, /verify, and the trust root the page asks for. */
function serve(trustRoot: unknown): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/v1/evidence/trust-root') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(trustRoot));
      return;
    }
    const name = url.pathname === '/verify' ? 'verify.html' : url.pathname.slice(1);
    const file = path.resolve(PORTAL_DIST, name);
    if (!file.startsWith(PORTAL_DIST + path.sep) || !fs.existsSync(file)) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'text/plain' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Median verify time (ms) in the page for each bundle, and the first check's (cold). */
export async function browserVerifyTimes(
  trustRoot: unknown,
  bundles: { name: string; json: string }[],
  runs: number,
): Promise<Map<string, { p50: number; first: number; verdict: string }>> {
  const server = await serve(trustRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const out = new Map<string, { p50: number; first: number; verdict: string }>();
  try {
    const page = await browser.newPage();
    const port = (server.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/verify`);
    await page.getByTestId('trust-root').waitFor();
    let n = 0;
    for (const { name, json } of bundles) {
      const times: number[] = [];
      let verdict = '';
      for (let i = 0; i < runs; i++) {
        n += 1;
        await page.setInputFiles('#verify-file', {
          name: `${name}-${i}.json`,
          mimeType: 'application/json',
          buffer: Buffer.from(json),
        });
        const shown = page.locator(`[data-testid="verdict"][data-n="${n}"]`);
        await shown.waitFor({ timeout: 60_000 });
        verdict = (await shown.getAttribute('data-verdict')) ?? '';
        times.push(Number(await page.getByTestId('verify-time').getAttribute('data-ms')));
      }
      out.set(name, { p50: percentile(times, 50), first: times[0] ?? NaN, verdict });
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}
