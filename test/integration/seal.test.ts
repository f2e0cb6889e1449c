/**
 * Seals on the real devnet: an accredited e-lock sealing a declaration, a batch of its
 * signed readings anchored as one Merkle root and a reading proven offline against the
 * root on the ledger (the seal-proof command), a tamper alarm holding the declaration,
 * a replayed checkpoint tap refused, and the tag's counter kept across a new seal on the
 * same device.
 */
import type { DeclarationRecord, SealRecord } from '@clearance/domain';
import { Devnet } from '@clearance/devnet';
import { fileGd, officerLedgers, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { batchRoot, proveReading, ROUTES } from '@clearance/domain/node';
import { simulateTrip } from '../../seal-devices/src/fleet/simulator';

const PROOF_CLI = path.join(__dirname, '..', '..', 'seal-devices', 'dist', 'proof', 'cli.js');

function runProof(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PROOF_CLI, ...args], (error, stdout) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

describe('seals on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const { as, closeAll } = officerLedgers(devnet);
  const ledgers = {
    operator: () => as('logistics/operator1'),
    gdCustoms: () => as('gdcustoms/officer1'),
    hkCustoms: () => as('hkcustoms/officer1'),
  };
  const run = randomUUID().slice(0, 8).toUpperCase();
  const deviceId = `EL-${run}`;
  const sealId = `SEAL-${run}`;
  const declarationId = `GD-${run}-SEAL`;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tagUid = `04${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(async () => {
    await devnet.up();
    const pki = await trustedPki(as, run);
    await fileGd(as, pki, declarationId);
    await sealedDevice(as, {
      deviceId,
      sealId,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      tagUid,
      routeId: 'KWC-FUTIAN',
      declarationIds: [declarationId],
    });
  }, 300_000);

  afterAll(async () => {
    await closeAll();
  });

  it('anchors a batch of signed readings and proves one of them offline against the ledger root', async () => {
    const readings = simulateTrip({
      deviceId,
      privateKey: keys.privateKey,
      route: ROUTES[1]!,
      departure: new Date(),
      intervalS: 15,
    }).slice(0, 64);
    const root = batchRoot(readings);
    await ledgers.operator().submit('Seal:AnchorReadings', [
      sealId,
      JSON.stringify({
        batchId: `${sealId}-1`,
        fromCounter: 1,
        toCounter: 64,
        count: 64,
        merkleRoot: root,
        firstTime: readings[0]!.reading.time,
        lastTime: readings[63]!.reading.time,
      }),
    ]);
    const anchors = JSON.parse(await ledgers.hkCustoms().evaluate('Seal:GetAnchors', [sealId])) as {
      merkleRoot: string;
    }[];
    const onLedger = anchors[0]!.merkleRoot;
    expect(onLedger).toBe(root);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proof-'));
    const proofFile = path.join(dir, 'proof.json');
    const keyFile = path.join(dir, 'device.pem');
    fs.writeFileSync(proofFile, JSON.stringify(proveReading(sealId, 1, readings, 10)));
    fs.writeFileSync(keyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const ok = await runProof([proofFile, '--root', onLedger, '--public-key', keyFile]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^INCLUDED: reading .* #11 .*device signature valid/);

    const forged = proveReading(sealId, 1, readings, 10);
    forged.reading.reading.lock = 'OPEN';
    fs.writeFileSync(proofFile, JSON.stringify(forged));
    const bad = await runProof([proofFile, '--root', onLedger]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^NOT INCLUDED/);
  }, 60_000);

  it('a tamper alarm puts the sealed declaration on HOLD in the same transaction', async () => {
    const alarm = await ledgers
      .operator()
      .submit('Seal:RecordAlarm', [sealId, 'TAMPER', 'shackle cut']);
    const seal = JSON.parse(alarm.result) as SealRecord;
    expect(seal.alarms[0]).toMatchObject({ kind: 'TAMPER', heldDeclarations: [declarationId] });
    const declaration = JSON.parse(
      await ledgers.gdCustoms().evaluate('Declaration:Get', [declarationId]),
    ) as DeclarationRecord;
    expect(declaration.hold).toMatchObject({ action: 'HOLD', txId: alarm.transactionId });
  }, 60_000);

  it('records a checkpoint tap and refuses its replay', async () => {
    const check = JSON.stringify({ controlPoint: 'LMC', tagUid, counter: 3 });
    await ledgers.hkCustoms().submit('Seal:RecordCheckpoint', [sealId, check]);
    await expect(
      ledgers.hkCustoms().submit('Seal:RecordCheckpoint', [sealId, check]),
    ).rejects.toMatchObject({
      code: 'REPLAYED',
    });
  }, 60_000);

  it('keeps the tag counter across seals: a new seal on the same device takes none the old one saw', async () => {
    await ledgers.gdCustoms().submit('Seal:RemoveSeal', [sealId, 'arrived at Futian']);
    const next = `${sealId}-2`;
    const apply = JSON.stringify({
      sealId: next,
      deviceId,
      conveyance: 'ZM5678',
      routeId: 'KWC-FUTIAN',
      declarationIds: [declarationId],
    });
    // The operator's peer may not have the removal yet: the device is busy until it has.
    for (let attempt = 1; ; attempt++) {
      try {
        await ledgers.operator().submit('Seal:ApplySeal', [apply]);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'INVALID_STATE' || attempt === 10) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const tap = (counter: number) =>
      ledgers
        .hkCustoms()
        .submit('Seal:RecordCheckpoint', [
          next,
          JSON.stringify({ controlPoint: 'LMC', tagUid, counter }),
        ]);
    for (const counter of [1, 3])
      await expect(tap(counter)).rejects.toMatchObject({ code: 'REPLAYED' });
    const seal = JSON.parse((await tap(4)).result) as SealRecord;
    expect(seal).toMatchObject({ sealId: next, lastTagCounter: 4 });
    // Its readings start after those anchored under the first seal (1..64).
    expect(seal.readingsFromCounter).toBe(65);
  }, 60_000);
});
