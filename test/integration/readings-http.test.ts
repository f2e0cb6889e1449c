/**
 * Readings through the gateway's HTTP route on the devnet: 202 only once PostgreSQL holds
 * them, refusals with reasons, bad bodies coded; and what was acknowledged is anchored by
 * a worker started afresh (as after a gateway crash right after the 202).
 */
import { buildApp } from '@clearance/gateway';
import { Devnet } from '@clearance/devnet';
import type { FastifyInstance } from 'fastify';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { migrate } from '../../gateway/src/database/migrations';
import { startAnchorWorker } from '../../gateway/src/anchoring/sweep';
import { ROUTES } from '@clearance/domain/node';
import { simulateTrip } from '../../seal-devices/src/fleet/simulator';
import { fileGd, officerLedgers, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('readings through the gateway', () => {
  const devnet = new Devnet({ log: () => undefined });
  const run = randomUUID().slice(0, 8).toUpperCase();
  const deviceId = `EL-${run}-H`;
  const sealId = `SEAL-${run}-HTTP`;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tagUid = `04${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const { as, closeAll } = officerLedgers(devnet);
  let db: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    await devnet.up();
    db = await createTestDatabase();
    await migrate(db.pool);
    const pki = await trustedPki(as, run);
    await fileGd(as, pki, `GD-${run}-H`);
    await sealedDevice(as, {
      deviceId,
      sealId,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      tagUid,
      conveyance: 'ZM5566',
      routeId: 'KWC-FUTIAN',
      declarationIds: [`GD-${run}-H`],
    });
    app = await buildApp({ ledger: as('gdcustoms/officer1'), database: db.pool });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await closeAll();
    await db?.drop();
  }, 60_000);

  it('answers 202 with per-reading verdicts once the readings are stored, and codes bad bodies', async () => {
    const trip = simulateTrip({
      deviceId,
      privateKey: keys.privateKey,
      route: ROUTES[1]!,
      departure: new Date(),
      intervalS: 10,
    });
    const forged = { ...trip[60]!, reading: { ...trip[60]!.reading, lock: 'OPEN' } };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/seals/readings',
      payload: { readings: [...trip.slice(0, 60), forged] },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      accepted: 60,
      rejected: [{ index: 60, deviceId, counter: 61, reason: 'BAD_SIGNATURE' }],
      gaps: [],
      outOfOrder: [],
    });
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM readings WHERE seal_id = $1',
      [sealId],
    );
    expect(rows).toEqual([{ n: 60 }]);

    for (const payload of [
      {},
      { readings: [] },
      { readings: 'x' },
      { readings: Array(5001).fill({}) },
    ]) {
      const bad = await app.inject({ method: 'POST', url: '/v1/seals/readings', payload });
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  }, 60_000);

  it('anchors what was acknowledged, with a worker started afresh', async () => {
    await app.close(); // the gateway goes away right after its 202s
    const worker = startAnchorWorker({
      pool: db.pool,
      ledger: as('logistics/operator1'),
      intervalMs: 60_000,
    });
    try {
      expect(await worker.runOnce()).toBe(60);
    } finally {
      await worker.stop();
    }
    const anchors = JSON.parse(
      await as('hkcustoms/officer1').evaluate('Seal:GetAnchors', [sealId]),
    ) as { count: number }[];
    expect(anchors.map((a) => a.count)).toEqual([60]);
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM readings WHERE batch_id IS NULL',
    );
    expect(rows).toEqual([{ n: 0 }]);
  }, 60_000);
});
