/**
 * The seal side of the gateway on real PostgreSQL and a Redis of its own, the contracts on
 * the in-memory ledger twin (so it runs without Fabric): readings refused for every reason
 * are counted and leave nothing stored; acknowledged readings are anchored through the
 * BullMQ queue, and every one exactly once when Redis is killed right after the 202s; the
 * monitor raises a tamper and a route deviation alarm once each, holding the declaration,
 * and the alarm reaches the event stream; the seal list, state and track routes.
 */
import type { DeclarationRecord } from '@clearance/domain';
import {
  OFFICERS,
  listAuthority,
  createTestPki,
  sampleFiling,
  signFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { buildApp, migrate } from '@clearance/gateway';
import {
  TEST_METRICS_TOKEN,
  TEST_OFFICER,
  createMemoryNetwork,
  createMemorySessionStore,
  freePort,
  until,
} from '@clearance/testkit/gateway';
import { Devnet } from '@clearance/devnet';
import type { FastifyInstance } from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import * as net from 'node:net';
import { listen, type Notifications } from '../../gateway/src/notifications';
import { EVENTS_CHANNEL } from '../../gateway/src/routes/events';
import { startSealPipeline, type SealPipeline } from '../../gateway/src/anchoring/pipeline';
import { signReading, type SignedReading, ROUTES } from '@clearance/domain/node';
import { simulateTrip, type Fault } from '../../seal-devices/src/fleet/simulator';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { memoryIndexFeed } from '../support/memory-index';

// Response bodies: their shape is what the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

/** A redis-server of this test only (no persistence), so killing it harms nobody. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

describe('seal readings, anchoring and alarms on PostgreSQL and Redis', () => {
  const devnet = new Devnet({ log: () => undefined });
  const network = createMemoryNetwork();
  const run = randomUUID().slice(0, 6).toUpperCase();
  const operator = network.as(OFFICERS.sealOperator);
  const sessions = createMemorySessionStore();
  let startedServers: string[] = [];
  let db: TestDatabase;
  let redisPort: number;
  let redis: ChildProcess;
  let pipeline: SealPipeline;
  let notifications: Notifications;
  let app: FastifyInstance;
  let base: string;
  let pki: TestPki;
  let officerToken: string;

  interface Lock {
    deviceId: string;
    sealId: string;
    declarationId: string;
    key: KeyObject;
    trip: SignedReading[];
  }
  const locks: Record<'A' | 'T' | 'D', Lock> = {} as Record<'A' | 'T' | 'D', Lock>;

  const syncIndex = memoryIndexFeed(network.chain, () => db.pool);

  const http = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Body) : text };
  };
  const post = (readings: unknown[]) => http('POST', '/v1/seals/readings', { readings });

  const rejectedCounts = async (): Promise<Record<string, number>> => {
    const { body } = await http('GET', '/metrics', undefined, TEST_METRICS_TOKEN);
    const out: Record<string, number> = {};
    for (const m of (body as string).matchAll(
      /^gateway_readings_rejected_total\{reason="(\w+)"\} (\d+)$/gm,
    ))
      out[m[1]!] = Number(m[2]);
    return out;
  };
  const storedCount = async (sealId: string) =>
    (
      await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM readings WHERE seal_id = $1',
        [sealId],
      )
    ).rows[0]!.n;

  beforeAll(async () => {
    db = await createTestDatabase();
    const urls = await devnet.services();
    startedServers = urls.started;
    await migrate(db.pool);
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    pki = await createTestPki({ idSuffix: run });
    await listAuthority(
      network.as(OFFICERS.gdTrustAdmin),
      network.as(OFFICERS.hkTrustAdmin),
      pki.gd,
    );
    const faults: Record<string, Fault[]> = {
      A: [],
      T: [{ kind: 'TAMPER', atFraction: 0.3 }],
      D: [{ kind: 'DEVIATION', fromFraction: 0.5, offsetM: 3000 }],
    };
    for (const k of ['A', 'T', 'D'] as const) {
      const declarationId = `GD-${run}-${k}`;
      const signed = await signFiling(sampleFiling(declarationId), pki.signers.gdTrader);
      await network.as(OFFICERS.gdAgent).submit('Declaration:File', signed.args, signed.transient);
      const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const deviceId = `EL-${run}-${k}`;
      const sealId = `SEAL-${run}-${k}`;
      await operator.submit('Seal:RegisterDevice', [
        JSON.stringify({
          deviceId,
          model: 'GPS-ELOCK-7',
          publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
        }),
      ]);
      await network.as(OFFICERS.gdCustoms).submit('Seal:AccreditDevice', [deviceId]);
      await network.as(OFFICERS.hkCustoms).submit('Seal:AccreditDevice', [deviceId]);
      await operator.submit('Seal:ApplySeal', [
        JSON.stringify({
          sealId,
          deviceId,
          conveyance: `ZM${k}`,
          routeId: 'KWC-FUTIAN',
          declarationIds: [declarationId],
        }),
      ]);
      const trip = simulateTrip({
        deviceId,
        privateKey: keys.privateKey,
        route: ROUTES[1]!,
        departure: new Date(),
        intervalS: 10,
        faults: faults[k]!,
      });
      locks[k] = { deviceId, sealId, declarationId, key: keys.privateKey, trip };
    }
    await syncIndex();
    pipeline = startSealPipeline({
      pool: db.pool,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      prefix: `test-${run.toLowerCase()}`,
      ledger: operator,
      // The test runs the sweep and the monitor itself.
      sweepEveryMs: 3_600_000,
      staleAfterMs: 0,
      monitorEveryMs: 3_600_000,
    });
    notifications = await listen(db.pool, [EVENTS_CHANNEL]);
    app = await buildApp({
      ledger: network.as(OFFICERS.gdCustoms),
      sessions,
      database: db.pool,
      notifications,
      readingsSink: pipeline,
      metricsToken: TEST_METRICS_TOKEN,
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    ({ token: officerToken } = await sessions.create(TEST_OFFICER));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await pipeline?.close();
    await notifications?.close();
    if (redis && redis.exitCode === null) redis.kill('SIGKILL');
    await db?.drop();
    if (startedServers.length) await devnet.stop(startedServers);
  }, 60_000);

  it('refuses bad readings and bad batches with a coded reason, counts each, stores none of them', async () => {
    const before = await rejectedCounts();
    const { trip, deviceId, sealId } = locks.A;
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = { ...trip[1]!, reading: { ...trip[1]!.reading, lock: 'OPEN' } };
    const unknown = signReading({ ...trip[2]!.reading, deviceId: `EL-${run}-NONE` }, stranger);
    const res = await post([trip[0], forged, unknown, { reading: { counter: 1 } }, trip[0]]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      accepted: 1,
      rejected: [
        { index: 1, deviceId, counter: 2, reason: 'BAD_SIGNATURE' },
        { index: 2, deviceId: `EL-${run}-NONE`, counter: 3, reason: 'UNKNOWN_DEVICE' },
        { index: 3, reason: 'MALFORMED' },
        { index: 4, deviceId, counter: 1, reason: 'REPLAY' },
      ],
      gaps: [],
      outOfOrder: [],
    });
    const replay = await post([trip[0]]);
    expect(replay.body).toMatchObject({ accepted: 0, rejected: [{ reason: 'REPLAY' }] });

    const bad = [
      await http('POST', '/v1/seals/readings', { readings: [] }),
      await http('POST', '/v1/seals/readings', '{"readings": ['),
      await post(Array(5001).fill(trip[3])),
      await post(Array(4000).fill({ ...trip[3], pad: 'x'.repeat(2500) })),
    ];
    expect(bad.map((r) => [r.status, r.body.error.code])).toEqual([
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [413, 'PAYLOAD_TOO_LARGE'],
    ]);
    const after = await rejectedCounts();
    const delta = (reason: string) => (after[reason] ?? 0) - (before[reason] ?? 0);
    expect({
      BAD_SIGNATURE: delta('BAD_SIGNATURE'),
      UNKNOWN_DEVICE: delta('UNKNOWN_DEVICE'),
      MALFORMED: delta('MALFORMED'),
      REPLAY: delta('REPLAY'),
      OVERSIZED_BATCH: delta('OVERSIZED_BATCH'),
    }).toEqual({
      BAD_SIGNATURE: 1,
      UNKNOWN_DEVICE: 1,
      MALFORMED: 3,
      REPLAY: 2,
      OVERSIZED_BATCH: 2,
    });
    expect(await storedCount(sealId)).toBe(1);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM readings WHERE device_id = $1`,
      [`EL-${run}-NONE`],
    );
    expect(rows).toEqual([{ n: 0 }]);
  }, 60_000);

  it('anchors every acknowledged reading exactly once, though Redis is killed right after the 202s', async () => {
    const { trip, sealId } = locks.A;
    const acknowledged = new Set<number>([1]); // from the test before
    /** True once every stored reading of the seal is in an anchored batch. */
    const allAnchored = async () =>
      (
        await db.pool.query(
          'SELECT 1 FROM readings WHERE seal_id = $1 AND batch_id IS NULL LIMIT 1',
          [sealId],
        )
      ).rowCount === 0
        ? true
        : undefined;
    const send = async (from: number, to: number) => {
      const res = await post(trip.slice(from - 1, to));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ accepted: to - from + 1, rejected: [] });
      for (let c = from; c <= to; c++) acknowledged.add(c);
    };
    expect(trip.length).toBeGreaterThanOrEqual(160);
    await send(2, 40); // queued and anchored by the worker
    await until('the queue to anchor', 60_000, allAnchored, 100);
    await send(41, 80);
    redis.kill('SIGKILL'); // the jobs of 41..80 may or may not have run
    await new Promise((resolve) => redis.once('exit', resolve));
    await send(81, 120); // Redis is gone: still stored and acknowledged
    // The safety net: the sweep anchors from PostgreSQL alone, Redis or not.
    await pipeline.sweep.runOnce();
    expect(await allAnchored()).toBe(true);
    // Redis back, empty: once the gateway has reconnected, the queue anchors again (the
    // sweep's next pass is an hour away).
    redis = await startRedis(redisPort);
    await until(
      'the queue to reconnect',
      60_000,
      () => pipeline.queue.depth().then(() => true),
      100,
    );
    await send(121, 160);
    await until('the queue to anchor after Redis came back', 60_000, allAnchored, 100);
    const anchors = JSON.parse(await operator.evaluate('Seal:GetAnchors', [sealId])) as {
      fromCounter: number;
      toCounter: number;
      count: number;
    }[];
    const covered: number[] = [];
    for (const a of anchors) for (let c = a.fromCounter; c <= a.toCounter; c++) covered.push(c);
    expect(covered).toEqual([...acknowledged].sort((a, b) => a - b));
    expect(anchors.reduce((n, a) => n + a.count, 0)).toBe(acknowledged.size);
    const { rows } = await db.pool.query<{ n: number; batches: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT batch_id)::int AS batches FROM readings WHERE seal_id = $1`,
      [sealId],
    );
    expect(rows).toEqual([{ n: acknowledged.size, batches: anchors.length }]);
    await until(
      'the queue to empty',
      60_000,
      async () => ((await pipeline.queue.depth()) === 0 ? true : undefined),
      100,
    );
    const { body: metrics } = await http('GET', '/metrics', undefined, TEST_METRICS_TOKEN);
    expect(metrics).toMatch(/^gateway_readings_queue_depth 0$/m);
    expect(metrics).toMatch(/^gateway_readings_accepted_total \d+$/m);
  }, 120_000);

  it('raises a tamper alarm once, holds the declaration, and shows it on the event stream', async () => {
    const { trip, sealId, declarationId } = locks.T;
    // Follow the stream as an officer from now on.
    const controller = new AbortController();
    const stream = await fetch(`${base}/v1/events`, {
      headers: { authorization: `Bearer ${officerToken}` },
      signal: controller.signal,
    });
    const reader = stream.body!.getReader();
    let text = '';
    const seen = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        text += Buffer.from(value).toString();
        const block = text.split('\n\n').find((b) => b.includes('event: SealAlarmRaised'));
        if (block) return block;
      }
    })();

    expect((await post(trip)).body.accepted).toBe(trip.length);
    const raised = await pipeline.monitor.runOnce();
    expect(raised).toEqual([{ sealId, kind: 'TAMPER' }]);
    await syncIndex();
    const block = await seen;
    controller.abort();
    const data = JSON.parse(
      block!
        .split('\n')
        .find((l) => l.startsWith('data: '))!
        .slice(6),
    );
    expect(data).toMatchObject({ sealId, kind: 'TAMPER', heldDeclarations: [declarationId] });
    const declaration = JSON.parse(
      await network.as(OFFICERS.gdCustoms).evaluate('Declaration:Get', [declarationId]),
    ) as DeclarationRecord;
    expect(declaration.hold).not.toBeNull();

    // Once: not again in the next pass, nor by a monitor started afresh (a restart).
    expect(await pipeline.monitor.runOnce()).toEqual([]);
    const again = startSealPipeline({
      pool: db.pool,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      prefix: `test-${run.toLowerCase()}-2`,
      ledger: operator,
      sweepEveryMs: 3_600_000,
      monitorEveryMs: 3_600_000,
    });
    try {
      expect(await again.monitor.runOnce()).toEqual([]);
    } finally {
      await again.close();
    }
  }, 60_000);

  it('raises a route deviation when the truck leaves the corridor', async () => {
    const { trip, sealId } = locks.D;
    expect((await post(trip)).body.accepted).toBe(trip.length);
    expect(await pipeline.monitor.runOnce()).toEqual([{ sealId, kind: 'ROUTE_DEVIATION' }]);
    await syncIndex();
  }, 60_000);

  it('lists seals, shows one with its last reading and its track; a trader sees only their own', async () => {
    const list = await http('GET', '/v1/seals?state=APPLIED', undefined, officerToken);
    expect(list.status).toBe(200);
    const mine = (list.body.items as Body[]).filter((s) => s.sealId.includes(run));
    expect(mine.map((s) => [s.sealId, s.routeId, s.alarms])).toEqual([
      [locks.A.sealId, 'KWC-FUTIAN', []],
      [locks.D.sealId, 'KWC-FUTIAN', ['ROUTE_DEVIATION']],
      [locks.T.sealId, 'KWC-FUTIAN', ['TAMPER']],
    ]);

    const one = await http('GET', `/v1/seals/${locks.T.sealId}`, undefined, officerToken);
    expect(one.status).toBe(200);
    const last = locks.T.trip[locks.T.trip.length - 1]!.reading;
    expect(one.body.lastReading).toMatchObject({ counter: last.counter, event: last.event });
    expect(one.body.seal).toMatchObject({ sealId: locks.T.sealId, state: 'APPLIED' });
    expect(one.body.readingsStored).toBe(locks.T.trip.length);

    const track = await http(
      'GET',
      `/v1/seals/${locks.T.sealId}/track?limit=5000`,
      undefined,
      officerToken,
    );
    expect(track.body.routeId).toBe('KWC-FUTIAN');
    expect(track.body.points.map((p: Body) => p.counter)).toEqual(
      locks.T.trip.map((r) => r.reading.counter),
    );
    expect(track.body.points.filter((p: Body) => p.event === 'TAMPER')).toHaveLength(1);
    expect(track.body.alarms.map((a: Body) => a.kind)).toEqual(['TAMPER']);

    const { rows } = await db.pool.query<{ signer_id: string }>(
      'SELECT signer_id FROM declarations WHERE declaration_id = $1',
      [locks.T.declarationId],
    );
    // Owners are known by signer id; names alone give nothing.
    const trader = async (id: string) =>
      (
        await sessions.create({
          kind: 'trader',
          id,
          subject: 'CN=GD Trader, O=Pearl River Trading Ltd, C=CN',
          issuer: 'CN=GD Test Issuing CA, O=Guangdong CA Test, C=CN',
          jurisdiction: 'GD',
          authorityId: 'GD-TEST',
        })
      ).token;
    const owner = await trader(rows[0]!.signer_id);
    const other = await trader('0'.repeat(64));
    expect((await http('GET', `/v1/seals/${locks.T.sealId}/track`, undefined, owner)).status).toBe(
      200,
    );
    expect((await http('GET', `/v1/seals/${locks.T.sealId}`, undefined, other)).status).toBe(404);
    const ownerList = await http('GET', '/v1/seals', undefined, owner);
    expect(ownerList.body.items.length).toBeGreaterThanOrEqual(3);
    expect((await http('GET', '/v1/seals', undefined, other)).body.items).toEqual([]);
    expect((await http('GET', '/v1/seals')).status).toBe(401);
  }, 60_000);
});
