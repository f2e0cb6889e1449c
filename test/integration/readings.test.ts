/**
 * Reading ingestion into a real PostgreSQL (COPY): signature and counter checks, replays,
 * gaps and unknown devices reported, nothing stored for a refused reading.
 */
import { generateKeyPairSync } from 'node:crypto';
import { migrate } from '../../gateway/src/database/migrations';
import { ingestReadings, type DeviceDirectory } from '../../gateway/src/readings/ingest';
import { ROUTES } from '@clearance/domain/node';
import { simulateTrip } from '../../seal-devices/src/fleet/simulator';
import { createTestDatabase, type TestDatabase } from '../support/database';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const trip = simulateTrip({
  deviceId: 'EL-0042',
  privateKey: keys.privateKey,
  route: ROUTES[0]!,
  departure: new Date(),
  intervalS: 20,
});
const directory: DeviceDirectory = {
  lookup: async (id) => (id === 'EL-0042' ? { publicKeyPem, sealId: 'SEAL-42' } : undefined),
  isCached: () => true,
};

describe('reading ingestion on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  }, 60_000);
  const stored = async (): Promise<number[]> =>
    (
      await db.pool.query<{ counter: string }>('SELECT counter FROM readings ORDER BY counter')
    ).rows.map((r) => Number(r.counter));

  it('stores a batch in one COPY and advances the device counter', async () => {
    const result = await ingestReadings(db.pool, directory, trip.slice(0, 50));
    expect(result).toEqual({
      accepted: 50,
      rejected: [],
      gaps: [],
      outOfOrder: [],
      stored: [{ sealId: 'SEAL-42', deviceId: 'EL-0042', fromCounter: 1, toCounter: 50 }],
      unknownLookups: 0,
    });
    expect(await stored()).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const { rows } = await db.pool.query(
      'SELECT last_counter FROM device_counters WHERE device_id = $1',
      ['EL-0042'],
    );
    expect(rows).toEqual([{ last_counter: '50' }]);
  });

  it('refuses replays, forged or unknown readings with a reason, stores the rest, reports gaps', async () => {
    const forged = { ...trip[52]!, reading: { ...trip[52]!.reading, lock: 'OPEN' } };
    const stranger = { ...trip[53]!, reading: { ...trip[53]!.reading, deviceId: 'EL-9999' } };
    const batch = [
      trip[50],
      trip[10],
      trip[51],
      forged,
      stranger,
      { reading: { deviceId: 'x' } },
      trip[55],
    ];
    const result = await ingestReadings(db.pool, directory, batch);
    expect(result.accepted).toBe(3);
    expect(result.rejected).toEqual([
      { index: 1, deviceId: 'EL-0042', counter: 11, reason: 'REPLAY' },
      { index: 3, deviceId: 'EL-0042', counter: 53, reason: 'BAD_SIGNATURE' },
      { index: 4, deviceId: 'EL-9999', counter: 54, reason: 'UNKNOWN_DEVICE' },
      { index: 5, reason: 'MALFORMED' },
    ]);
    expect(result.gaps).toEqual([{ deviceId: 'EL-0042', missing: 3 }]); // 53 (forged), 54, 55 never stored
    expect(result.outOfOrder).toEqual(['EL-0042']);
    expect((await stored()).slice(-3)).toEqual([51, 52, 56]);
  });

  it('takes batches naming the same devices in opposite orders at once without a deadlock', async () => {
    // Counter rows are locked in device order, whatever order a batch names them in: two
    // batches locking A then B and B then A could otherwise wait on each other until
    // PostgreSQL broke the deadlock by failing one.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const otherPem = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const devices: DeviceDirectory = {
      lookup: async (id) =>
        id === 'EL-0042'
          ? { publicKeyPem, sealId: 'SEAL-42' }
          : id === 'EL-0043'
            ? { publicKeyPem: otherPem, sealId: 'SEAL-43' }
            : undefined,
      isCached: () => true,
    };
    const second = simulateTrip({
      deviceId: 'EL-0043',
      privateKey: other.privateKey,
      route: ROUTES[0]!,
      departure: new Date(),
      intervalS: 20,
    });
    const first = trip.slice(60); // EL-0042 went up to 56 above
    const pairs = Math.min(20, Math.floor(first.length / 2), Math.floor(second.length / 2));
    const outcomes = await Promise.all(
      Array.from({ length: pairs }, (_, k) => [
        ingestReadings(db.pool, devices, [first[2 * k], second[2 * k]]),
        ingestReadings(db.pool, devices, [second[2 * k + 1], first[2 * k + 1]]),
      ]).flat(),
    );
    // Each reading was either stored or refused as a replay of a later one stored first.
    for (const outcome of outcomes)
      expect(outcome.accepted + outcome.rejected.filter((r) => r.reason === 'REPLAY').length).toBe(
        2,
      );
    const { rows } = await db.pool.query<{
      device_id: string;
      last_counter: string;
      stored: string;
    }>(
      `SELECT c.device_id, c.last_counter, max(r.counter)::text AS stored
       FROM device_counters c JOIN readings r USING (device_id) GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { device_id: 'EL-0042', last_counter: rows[0]!.stored, stored: rows[0]!.stored },
      { device_id: 'EL-0043', last_counter: rows[1]!.stored, stored: rows[1]!.stored },
    ]);
    expect(Number(rows[1]!.stored)).toBeGreaterThan(1);
  });
});
