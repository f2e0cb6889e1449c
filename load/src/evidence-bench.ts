/**
 * Evidence bundles: size and verification time.
 *   npm run bench:evidence [-- --runs 21]
 * For each bundle of the devnet fixtures (verifier/fixtures, `npm run evidence:fixtures`):
 * its size as JSON and gzipped, the median wall time of `clearance-verify` as a command (a
 * new Node process each run: start-up, reading, every check), and the median time of
 * verifyBundle in one warm process, and the same in the portal's /verify page in headless
 * Chromium (evidence-browser.ts; the portal built, `npm run build -w portal`). Offline: no
 * devnet, no network. Prints one line per bundle and writes load/results/evidence.json. A
 * control row times the command refusing its arguments: Node's start-up and the modules, no
 * check.
 */
import { verifyBundle } from '@clearance/verifier';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { browserAvailable, browserVerifyTimes } from './evidence-browser';
import { FIXTURES_FILE } from './evidence-fixtures-file';
import { percentile } from './stats';

const CLI = path.join(__dirname, '..', '..', 'verifier', 'cli', 'dist', 'cli.js');
const RESULTS = path.join(__dirname, '..', 'results', 'evidence.json');

interface Fixtures {
  trustRoot: unknown;
  configuration: unknown[];
  bundles: Record<string, Record<string, unknown>>;
}

async function main(): Promise<void> {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 21;
  const fixtures = JSON.parse(fs.readFileSync(FIXTURES_FILE, 'utf8')) as Fixtures;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-bench-'));
  const root = path.join(dir, 'trust-root.json');
  fs.writeFileSync(root, JSON.stringify(fixtures.trustRoot));
  const rows = [];
  // Control: the command loading and refusing its arguments (Node start-up and modules, no check).
  const startup: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    try {
      execFileSync(process.execPath, [CLI], { stdio: 'ignore' });
    } catch (error) {
      if ((error as { status?: number }).status !== 2) throw error;
    }
    startup.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const cliStartup = Math.round(percentile(startup, 50));
  console.log(
    JSON.stringify({
      control: 'clearance-verify start-up (usage error)',
      cli_ms_p50: cliStartup,
      runs,
    }),
  );
  try {
    for (const [name, stripped] of Object.entries(fixtures.bundles)) {
      const bundle = { ...stripped, configuration: fixtures.configuration };
      const json = JSON.stringify(bundle);
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, json);
      const cli: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        try {
          execFileSync(process.execPath, [CLI, file, '--trust-root', root], { stdio: 'ignore' });
        } catch (error) {
          // exit 1: a bundle the verifier refuses (the one-agency release) is timed all the same
          if ((error as { status?: number }).status !== 1) throw error;
        }
        cli.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      const inProcess: number[] = [];
      let valid = false;
      for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        valid = (await verifyBundle(JSON.parse(json), fixtures.trustRoot)).valid;
        inProcess.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      const row = {
        bundle: name,
        valid,
        transactions: (stripped.transactions as unknown[]).length,
        configuration_blocks: fixtures.configuration.length,
        bytes: Buffer.byteLength(json),
        gzip_bytes: gzipSync(json).length,
        cli_ms_p50: Math.round(percentile(cli, 50)),
        verify_ms_p50: Math.round(percentile(inProcess, 50)),
        runs,
      };
      rows.push(row);
    }
    // The same bundles in the browser, side by side with the rows above.
    const inBrowser = browserAvailable()
      ? await browserVerifyTimes(
          fixtures.trustRoot,
          Object.entries(fixtures.bundles).map(([name, stripped]) => ({
            name,
            json: JSON.stringify({ ...stripped, configuration: fixtures.configuration }),
          })),
          runs,
        )
      : undefined;
    if (!inBrowser) console.log('browser: no Chromium or no portal/dist/verify.html; skipped');
    for (const row of rows) {
      const b = inBrowser?.get(row.bundle);
      Object.assign(row, {
        browser_verify_ms_p50: b ? Math.round(b.p50) : null,
        browser_first_ms: b ? Math.round(b.first) : null,
        browser_verdict: b?.verdict ?? null,
      });
      console.log(JSON.stringify(row));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(
    RESULTS,
    `${JSON.stringify({ at: new Date().toISOString(), load: os.loadavg(), rows }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
