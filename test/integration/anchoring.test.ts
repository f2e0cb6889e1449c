/**
 * Fleet readings → PostgreSQL → one Merkle root per batch on the devnet → a reading
 * proven against that root. Also the crash between the ledger and the database: a batch
 * anchored on the ledger but not yet marked in PostgreSQL is found again, not anchored twice.
 */
import { Devnet } from '@clearance/devnet';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { migrate } from '../../gateway/src/database/migrations';
import { anchorPending } from '../../gateway/src/anchoring/anchor';
import { ledgerDeviceDirectory } from '../../gateway/src/readings/directory';
import { ingestReadings } from '../../gateway/src/readings/ingest';
import {
  batchRoot,
  checkReadingProof,
  proveReading,
  type SignedReading,
  ROUTES,
} from '@clearance/domain/node';
import { simulateTrip } from '../../seal-devices/src/fleet/simulator';
import { fileGd, officerLedgers, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('reading anchoring on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const run = randomUUID().slice(0, 8).toUpperCase();
  const deviceId = `EL-${run}`;
  const sealId = `SEAL-${run}-ANCHOR`;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tagUid = `04${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let db: TestDatabase;
  const { as: ledger, closeAll } = officerLedgers(devnet);
  let trip: SignedReading[];

  beforeAll(async () => {
    await devnet.up();
    db = await createTestDatabase();
    await migrate(db.pool);
    const pki = await trustedPki(ledger, run);
    await fileGd(ledger, pki, `GD-${run}-A`);
    await sealedDevice(ledger, {
      deviceId,
      sealId,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      tagUid,
      conveyance: 'ZM7788',
      declarationIds: [`GD-${run}-A`],
    });
    trip = simulateTrip({
      deviceId,
      privateKey: keys.privateKey,
      route: ROUTES[0]!,
      departure: new Date(),
      intervalS: 10,
    });
  }, 300_000);

  afterAll(async () => {
    await closeAll();
    await db?.drop();
  }, 60_000);

  it('stores fleet readings, anchors them in batches and proves one against the ledger root', async () => {
    const directory = ledgerDeviceDirectory(ledger('logistics/operator1'));
    const ingested = await ingestReadings(db.pool, directory, trip.slice(0, 120));
    expect(ingested.accepted).toBe(120);
    const first = await anchorPending(db.pool, ledger('logistics/operator1'), sealId, 100);
    const second = await anchorPending(db.pool, ledger('logistics/operator1'), sealId, 100);
    expect([first?.count, second?.count]).toEqual([100, 20]);
    expect(await anchorPending(db.pool, ledger('logistics/operator1'), sealId)).toBeUndefined();

    const anchors = JSON.parse(
      await ledger('hkcustoms/officer1').evaluate('Seal:GetAnchors', [sealId]),
    ) as {
      merkleRoot: string;
      count: number;
    }[];
    expect(anchors.map((a) => a.count)).toEqual([100, 20]);
    const proof = proveReading(sealId, 1, trip.slice(0, 100), 42);
    expect(checkReadingProof(proof, anchors[0]!.merkleRoot)).toBe(true);
  }, 120_000);

  it('after a crash between the ledger and the database, finds the anchored batch instead of anchoring twice', async () => {
    await ingestReadings(
      db.pool,
      ledgerDeviceDirectory(ledger('logistics/operator1')),
      trip.slice(120, 150),
    );
    const batch = trip.slice(120, 140);
    // The ledger took this batch, then the process died before PostgreSQL was updated.
    await ledger('logistics/operator1').submit('Seal:AnchorReadings', [
      sealId,
      JSON.stringify({
        batchId: `${deviceId}-121`,
        fromCounter: 121,
        toCounter: 140,
        count: 20,
        merkleRoot: batchRoot(batch),
        firstTime: batch[0]!.reading.time,
        lastTime: batch[19]!.reading.time,
      }),
    ]);
    const recovered = await anchorPending(db.pool, ledger('logistics/operator1'), sealId);
    expect(recovered).toMatchObject({ batchId: `${deviceId}-121`, count: 20 });
    const rest = await anchorPending(db.pool, ledger('logistics/operator1'), sealId);
    expect(rest).toMatchObject({ batchId: `${deviceId}-141`, count: 10 });
    const anchors = JSON.parse(
      await ledger('hkcustoms/officer1').evaluate('Seal:GetAnchors', [sealId]),
    ) as unknown[];
    expect(anchors).toHaveLength(4);
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM readings WHERE batch_id IS NULL',
    );
    expect(rows).toEqual([{ n: 0 }]);
  }, 120_000);
});
