/**
 * Either side keeps working alone: with HK customs' peer killed (SIGKILL), GD declarations
 * are filed, accepted, risk-assessed and released by GD customs and GD inspection through
 * the gateway's HTTP API, each act committed, under a modest load (GD's acts live in GD's
 * own chaincode definition, clearance-gd, endorsed by GD's agencies only). HK's peer,
 * restarted, catches up and holds every act exactly once.
 */
import { canonicalBytes } from '@clearance/core';
import { sampleFiling } from '@clearance/testkit/chaincode';
import { until } from '@clearance/testkit/gateway';
import { Devnet, PEER_ORGS } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { trustedPki } from '../support/devnet-fixtures';
import { startDevnetStack, type DevnetStack } from '../support/devnet-stack';

const PASSWORD = 'devnet test password';
/** Declarations in the load, one started every INTERVAL_MS: about 6 acts a second. */
const DECLARATIONS = 10;
const INTERVAL_MS = 1000;
/** The bound on GD's acts while HK's peer is down (an outcome bound, not a timing test). */
const P95_BOUND_MS = 2000;
const HK_PEER = 'peer-hkcustoms';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

describe('GD works alone while HK customs’ peer is down', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const devnet = new Devnet({ log: () => undefined });
  let stack: DevnetStack;

  const http = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${stack.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined
          ? {
              'content-type': 'application/json',
              'idempotency-key': randomUUID(),
              prefer: 'wait=30',
            }
          : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    stack = await startDevnetStack({ run, password: PASSWORD });
  }, 300_000);

  afterAll(async () => {
    // Whatever happened, HK's peer runs again for the tests after this one.
    await devnet.up();
    await stack?.stop();
  }, 120_000);

  it('files, accepts, assesses and releases GD declarations; HK catches up after its restart', async () => {
    const pki = await trustedPki((who) => stack.as(who), run);
    const challenge = await fetch(`${stack.base}/v1/auth/challenge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).then((r) => r.json() as Promise<{ challenge: string; challengeId: string }>);
    const proof = await pki.signers.gdTrader.sign(Buffer.from(challenge.challenge, 'base64'));
    const trader = await fetch(`${stack.base}/v1/auth/trader`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        challengeId: challenge.challengeId,
        signature: Buffer.from(proof).toString('base64'),
      }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const customs = await stack.officerToken('gdcustoms/officer1');
    const ciq = await stack.officerToken('gdciq/inspector1');

    const pid = devnet.pidOf(HK_PEER);
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    await until('HK customs’ peer gone', 10_000, async () =>
      devnet.pidOf(HK_PEER) === undefined ? true : undefined,
    );

    const latencies: { act: string; ms: number }[] = [];
    const failures: string[] = [];
    const timed = async (act: string, run: () => ReturnType<typeof http>) => {
      const t0 = performance.now();
      const done = await run();
      latencies.push({ act, ms: performance.now() - t0 });
      if (done.body.operation?.state !== 'succeeded')
        failures.push(`${act}: ${done.status} ${JSON.stringify(done.body)}`);
    };
    const clear = async (id: string) => {
      const filing = sampleFiling(id);
      const signature = Buffer.from(
        await pki.signers.gdTrader.sign(canonicalBytes(filing)),
      ).toString('base64');
      await timed('FILE', () =>
        http('POST', '/v1/declarations', trader.token, { ...filing, signature }),
      );
      const act = (token: string, body: { action: string }) =>
        timed(body.action, () => http('POST', `/v1/declarations/${id}/acts`, token, body));
      await act(customs, { action: 'ACCEPT' });
      await act(customs, { action: 'ASSESS_RISK', level: 'LOW', score: 10 } as { action: string });
      await act(customs, { action: 'MARK_RELEASE_ELIGIBLE' });
      await act(customs, { action: 'RELEASE' });
      await act(ciq, { action: 'RELEASE' });
    };
    const ids = Array.from({ length: DECLARATIONS }, (_, i) => `GD-${run}-ALONE-${i}`);
    const started = Date.now();
    await Promise.all(
      ids.map(async (id, i) => {
        await new Promise((r) => setTimeout(r, i * INTERVAL_MS));
        await clear(id);
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(failures).toEqual([]);
    const all = latencies.map((l) => l.ms);
    const p50 = percentile(all, 50);
    const p95 = percentile(all, 95);
    console.log(
      `HK customs' peer down: ${latencies.length} GD acts in ${seconds.toFixed(1)} s, p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${Math.max(...all).toFixed(0)} ms`,
    );
    expect(p95).toBeLessThan(P95_BOUND_MS);
    expect(devnet.pidOf(HK_PEER)).toBeUndefined(); // it stayed down throughout

    // HK's peer restarted catches up, and holds each act exactly once.
    await devnet.up();
    const admin = devnet.admin();
    const [gd, hk] = ['gdcustoms', 'hkcustoms'].map((key) => PEER_ORGS.find((o) => o.key === key));
    const gdHeight = await admin.channelHeight(gd!);
    await until('HK customs’ peer level with GD customs’', 60_000, async () =>
      (await admin.channelHeight(hk!)) >= gdHeight ? true : undefined,
    );
    const onHk = stack.as('hkcustoms/officer1');
    for (const id of ids) {
      const history = JSON.parse(await onHk.evaluate('Declaration:GetHistory', [id])) as {
        action: string;
        state: string;
      }[];
      // Newest first (the peer's history of the key).
      expect(history.map((h) => h.action)).toEqual([
        'RELEASE',
        'RELEASE',
        'MARK_RELEASE_ELIGIBLE',
        'ASSESS_RISK',
        'ACCEPT',
        'FILE',
      ]);
      expect(history[0]?.state).toBe('RELEASED');
    }
  }, 300_000);
});
