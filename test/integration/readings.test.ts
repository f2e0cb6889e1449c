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
});
