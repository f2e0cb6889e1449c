/**
 * schemathesis (PyPI) against the OpenAPI document the gateway serves, with the contracts on
 * the in-memory ledger twin and real PostgreSQL and Redis: anonymous, as an officer and as a
 * trader, each run bounded in time. Fails on any 5xx and on any response the document does
 * not describe (status, content type, body schema). `npm run test:api-fuzz` runs it alone.
 *
 * schemathesis is installed into a virtual environment under .devnet/ (git-ignored) on the
 * first run. API_FUZZ_SECONDS sets each run's time budget (default 40 s).
 */
import { canonicalBytes } from '@clearance/core';
import { OFFICERS, sampleFiling, type TestIdentity } from '@clearance/testkit/chaincode';
import { signInTrader } from '@clearance/testkit/gateway';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { memoryIndexFeed } from '../support/memory-index';
import { TEST_PASSWORD, twinGatewaySuite } from '../support/twin-gateway';

const ROOT = path.resolve(__dirname, '../..');
const VENV = path.join(ROOT, '.devnet/venv');
const SCHEMATHESIS = path.join(VENV, 'bin/schemathesis');
const SCHEMATHESIS_VERSION = '4.32.5';
const SECONDS = Number(process.env.API_FUZZ_SECONDS ?? 40);
const REPORTS = path.join(ROOT, 'test/artifacts/api-fuzz');
const run = promisify(execFile);

const ACCOUNTS: Record<string, TestIdentity> = {
  'gdcustoms/officer1': OFFICERS.gdCustoms,
  'gdcustoms/agent': OFFICERS.gdAgent,
  'hkcustoms/agent': OFFICERS.hkAgent,
};

/** schemathesis in its own virtual environment, installed when missing. */
async function ensureSchemathesis(): Promise<void> {
  if (fs.existsSync(SCHEMATHESIS)) return;
  await run('python3', ['-m', 'venv', VENV]);
  await run(
    path.join(VENV, 'bin/pip'),
    ['install', '-q', `schemathesis==${SCHEMATHESIS_VERSION}`],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

interface FuzzResult {
  exitCode: number | null;
  output: string;
}

function schemathesis(base: string, name: string, args: string[]): Promise<FuzzResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      SCHEMATHESIS,
      [
        'run',
        `${base}/docs/json`,
        '--url',
        base,
        '--checks',
        'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
        '--max-time',
        String(SECONDS),
        '--request-timeout',
        '10',
        // One worker: the coverage phase describes its filters with ast.parse, which is not
        // thread-safe on CPython 3.11 (a runtime error with two workers).
        '--workers',
        '1',
        '--seed',
        '12',
        '--report',
        'junit',
        '--report-junit-path',
        path.join(REPORTS, `${name}.xml`),
        ...args,
      ],
      // Its cache (.schemathesis/) goes with the reports, not into the work tree.
      { cwd: REPORTS, env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

/** The summary lines of a run (requests, failures) for the test log. */
function summary(output: string): string {
  return output
    .split('\n')
    .filter((line) =>
      /test cases|API Operations|Failures|requests|passed|failed|errors/i.test(line),
    )
    .slice(-12)
    .join('\n');
}

describe('API fuzzing with schemathesis', () => {
  beforeAll(async () => {
    fs.mkdirSync(REPORTS, { recursive: true });
    await ensureSchemathesis();
  }, 600_000);
  const suite = twinGatewaySuite({
    accounts: ACCOUNTS,
    appIdentity: OFFICERS.gdCustoms,
    queuePrefix: 'fuzz',
    authorities: ['gd'],
    listen: true,
    // The fuzzer's pace is not an attack: the limits stay, at a level it does not reach.
    rateLimit: { max: 1_000_000, timeWindow: '1 minute' },
  });
  const syncIndex = memoryIndexFeed(suite.network.chain, () => suite.db.pool);
  let base: string;
  let officerToken: string;
  let traderToken: string;

  beforeAll(async () => {
    ({ base } = suite);
    const { pki } = suite;
    const signedIn = await fetch(`${base}/v1/auth/officer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organisation: 'gdcustoms',
        username: 'officer1',
        password: TEST_PASSWORD,
      }),
    });
    officerToken = ((await signedIn.json()) as { token: string }).token;
    traderToken = await signInTrader(base, pki.signers.gdTrader);
    // Something to read: a filing of the trader's, indexed.
    const filing = sampleFiling('GD-FUZZ-1');
    const signature = Buffer.from(await pki.signers.gdTrader.sign(canonicalBytes(filing))).toString(
      'base64',
    );
    const filed = await fetch(`${base}/v1/declarations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${traderToken}`,
        'idempotency-key': randomUUID(),
        prefer: 'wait=20',
      },
      body: JSON.stringify({ ...filing, signature }),
    });
    expect(filed.status).toBe(200);
    await syncIndex();
  }, 600_000);

  // Signed in, two operations are left to their own tests: the event stream never ends by
  // design, and sign-out would end the session the rest of the run uses.
  const signedIn = (token: string) => [
    '-H',
    `Authorization: Bearer ${token}`,
    '--exclude-path',
    '/v1/events',
    '--exclude-path',
    '/v1/auth/sign-out',
  ];

  it.each([
    ['anonymous', () => []],
    ['officer', () => signedIn(officerToken)],
    ['trader', () => signedIn(traderToken)],
  ])(
    'finds no server error and no undocumented response (%s)',
    async (name, args) => {
      const result = await schemathesis(base, name, args());
      console.log(`schemathesis (${name}):\n${summary(result.output)}`);
      if (result.exitCode !== 0) console.log(result.output.slice(-20_000));
      expect(result.exitCode).toBe(0);
    },
    (SECONDS + 120) * 1000,
  );
});
