/**
 * One write path: a crossing decision, an inspection outcome and a self-check go through
 * durable operations like filings and acts (stored in PostgreSQL before anything is sent,
 * run by the operations runner), while each route still answers with the outcome. On real
 * PostgreSQL and Redis, the contracts on the ledger twin.
 */
import {
  createBorder,
  createTestPki,
  OFFICERS,
  type TestIdentity,
} from '@clearance/testkit/chaincode';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { TestDatabase } from '../support/database';
import { TEST_PASSWORD, twinGatewaySuite } from '../support/twin-gateway';

const ACCOUNTS: Record<string, TestIdentity> = {
  'gdcustoms/officer1': OFFICERS.gdCustoms,
  'hkcustoms/officer1': OFFICERS.hkCustoms,
  'hkcustoms/lane-lmc': OFFICERS.hkLaneLmc,
};

describe('the one write path', () => {
  const suite = twinGatewaySuite({
    accounts: ACCOUNTS,
    appIdentity: OFFICERS.gdCustoms,
    queuePrefix: 'write-path',
  });
  const { network } = suite;
  let db: TestDatabase;
  let app: FastifyInstance;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    ({ db, app } = suite);
    for (const account of Object.keys(ACCOUNTS)) {
      const [organisation, username] = account.split('/');
      const res = await app.inject({
        method: 'POST',
        url: '/v1/auth/officer',
        payload: { organisation, username, password: TEST_PASSWORD },
      });
      tokens.set(account, res.json<{ token: string }>().token);
    }
  }, 120_000);

  const as = (account: string, options: InjectOptions) =>
    app.inject({
      ...options,
      headers: { authorization: `Bearer ${tokens.get(account)}`, ...options.headers },
    });

  /** The operations the gateway stored under an Idempotency-Key or for a transaction. */
  const operations = async (where: { key?: string; transactionId?: string }) => {
    const { rows } = await db.pool.query<{ kind: string; state: string; transaction_id: string }>(
      `SELECT kind, state, transaction_id FROM operations
       WHERE ($1::text IS NULL OR idempotency_key = $1) AND ($2::text IS NULL OR transaction_id = $2)`,
      [where.key ?? null, where.transactionId ?? null],
    );
    return rows;
  };

  it('records a self-check through an operation; a second of the same id is refused as before', async () => {
    const checkId = `wp-${randomUUID().slice(0, 8)}`;
    const ask = () =>
      as('gdcustoms/officer1', {
        method: 'POST',
        url: '/v1/self-checks',
        payload: { checkId, note: 'write path' },
      });
    const first = await ask();
    expect(first.statusCode).toBe(201);
    const body = first.json<{ transactionId: string; blockNumber: string; record: unknown }>();
    expect(body.record).toMatchObject({ checkId, note: 'write path', txId: body.transactionId });
    expect(await operations({ transactionId: body.transactionId })).toEqual([
      { kind: 'SELF_CHECK', state: 'succeeded', transaction_id: body.transactionId },
    ]);
    // A probe takes no key: a second POST is an act of its own, which the ledger refuses.
    const again = await ask();
    expect([again.statusCode, again.json()]).toEqual([
      409,
      { error: { code: 'ALREADY_EXISTS', message: `self-check ${checkId} is already recorded` } },
    ]);
    const { rows } = await db.pool.query<{ state: string; code: string }>(
      `SELECT state, error->>'code' AS code FROM operations WHERE kind = 'SELF_CHECK' AND args->>0 = $1
       ORDER BY created_at`,
      [checkId],
    );
    expect(rows).toEqual([
      { state: 'succeeded', code: null },
      { state: 'failed', code: 'ALREADY_EXISTS' },
    ]);
  });

  it('decides a crossing for a lane device through an operation, the decision in the answer, once per key', async () => {
    const run = randomUUID().slice(0, 6).toUpperCase();
    const border = await createBorder(await createTestPki({ idSuffix: run }), network.chain);
    const [declarationId, deviceId, sealId, tagUid] = [
      `GD-WP-${run}`,
      `EL-WP-${run}`,
      `SEAL-WP-${run}`,
      `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    ];
    await border.declaration(declarationId, 'GD');
    await border.device(deviceId, tagUid);
    await border.seal(sealId, deviceId, [declarationId]);
    await border.anchor(sealId, 1, 10);
    // A tamper alarm: the decision is INSPECT, so an inspection outcome follows.
    await border.alarm(sealId, 'TAMPER');
    await border.tap(sealId, tagUid, 1);
    const key = randomUUID();
    const decide = () =>
      as('hkcustoms/lane-lmc', {
        method: 'POST',
        url: '/v1/crossings',
        payload: { sealId, controlPoint: 'LMC', direction: 'NORTHBOUND' },
        headers: { 'idempotency-key': key },
      });
    const first = await decide();
    expect(first.statusCode).toBe(201);
    const decided = first.json<{
      crossing: { crossingId: string; decision: string };
      transactionId: string;
    }>();
    expect(decided.crossing.decision).toBe('INSPECT');
    expect(decided).toMatchObject({ created: true });
    expect(await operations({ key })).toEqual([
      { kind: 'CROSSING', state: 'succeeded', transaction_id: decided.transactionId },
    ]);
    const again = await decide();
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...decided, created: false });
    expect(await operations({ key })).toHaveLength(1);

    // The inspection's outcome goes the same way (officers give no key: one act a request).
    const outcome = await as('hkcustoms/officer1', {
      method: 'POST',
      url: `/v1/crossings/${decided.crossing.crossingId}/outcome`,
      payload: { outcome: 'CLEARED', reason: 'checked at the lane' },
    });
    expect(outcome.statusCode).toBe(200);
    const recorded = outcome.json<{ transactionId: string }>();
    expect(await operations({ transactionId: recorded.transactionId })).toEqual([
      { kind: 'CROSSING_OUTCOME', state: 'succeeded', transaction_id: recorded.transactionId },
    ]);
  }, 60_000);
});
