/**
 * The worker-thread verifier answers exactly as verifyDetachedSignature on the event loop:
 * the same evidence, the same coded refusals. It loads the compiled worker (dist), which
 * `npm test` builds before the unit tests.
 */
import { canonicalBytes } from '@clearance/core';
import { verifyDetachedSignature } from '@clearance/domain';
import {
  SIGNER_CASES,
  createTestPki,
  sampleFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { signReading } from '@clearance/domain/node';
import { generateKeyPairSync } from 'node:crypto';
import * as path from 'node:path';
import { checkReadingsOnLibuv } from './readings/signatures';
import { startSignatureWorkers, type SignatureWorkers } from './signature-workers';

const DIST = path.join(__dirname, '..', 'dist');

describe('signature checks on worker threads', () => {
  let pki: TestPki;
  let workers: SignatureWorkers;
  const content = canonicalBytes(sampleFiling('GD-WORKER-1'));
  beforeAll(async () => {
    pki = await createTestPki({ idSuffix: 'WORKERS' });
    workers = startSignatureWorkers({ threads: 2, dir: DIST });
  }, 60_000);
  afterAll(async () => {
    await workers?.close();
  });

  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      (evidence) => ({ evidence }),
      (error: { name?: string; code?: string; detail?: string }) => ({
        name: error.name,
        code: error.code,
        detail: error.detail,
      }),
    );

  it.each(SIGNER_CASES)(
    'gives the same outcome as the event loop for a %s signature',
    async (who) => {
      const cms = await pki.signers[who].sign(content);
      const at = new Date();
      const onLoop = await outcome(verifyDetachedSignature(content, cms, pki.anchors(), at));
      const onWorker = await outcome(workers.verify(content, cms, pki.anchors(), at));
      expect(onWorker).toEqual(onLoop);
      if (who === 'gdTrader')
        expect(onWorker).toHaveProperty('evidence.authorityId', pki.gd.authorityId);
      if (who === 'revoked')
        expect(onWorker).toMatchObject({ name: 'LedgerError', code: 'CERTIFICATE_REJECTED' });
    },
  );

  it('refuses bytes that are not CMS, and content that was not signed, with coded errors', async () => {
    const cms = await pki.signers.gdTrader.sign(content);
    await expect(
      workers.verify(content, new Uint8Array([0x30, 0x03, 1, 2, 3]), pki.anchors(), new Date()),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    await expect(
      workers.verify(canonicalBytes(sampleFiling('GD-WORKER-2')), cms, pki.anchors(), new Date()),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      detail: 'the document does not match what was signed',
    });
  });

  it('checks readings as the event-loop check does: valid, forged, unreadable key, and nothing past the forged-signature budget', async () => {
    const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = device.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const reading = (counter: number) => ({
      deviceId: 'EL-WORKER',
      counter,
      time: new Date(1_800_000_000_000 + counter * 1000).toISOString(),
      position: { lat: 22.5, lon: 114.1 },
      speedKmh: 60,
      lock: 'SEALED' as const,
      batteryPct: 90,
      event: 'POSITION' as const,
    });
    const items = [
      { signed: signReading(reading(1), device.privateKey), publicKeyPem: pem },
      { signed: signReading(reading(2), other), publicKeyPem: pem }, // forged
      { signed: signReading(reading(3), device.privateKey), publicKeyPem: 'not a key' },
      { signed: signReading(reading(4), device.privateKey), publicKeyPem: pem },
      { signed: signReading(reading(5), other), publicKeyPem: pem }, // forged: budget spent
      { signed: signReading(reading(6), device.privateKey), publicKeyPem: pem },
    ];
    const onWorker = await workers.checkReadings(items, 3);
    expect(onWorker).toEqual([
      'VALID',
      'BAD_SIGNATURE',
      'BAD_SIGNATURE',
      'VALID',
      'BAD_SIGNATURE',
      'NOT_CHECKED',
    ]);
    // The event-loop check gives the same verdicts where its chunk (16) does not differ.
    expect(await checkReadingsOnLibuv()(items.slice(0, 5), 3)).toEqual(onWorker.slice(0, 5));
    expect(await workers.checkReadings(items, 100)).toEqual([
      'VALID',
      'BAD_SIGNATURE',
      'BAD_SIGNATURE',
      'VALID',
      'BAD_SIGNATURE',
      'VALID',
    ]);
  });

  it('takes many batches at once: they queue for the threads, none is refused', async () => {
    const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = device.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const batch = [1, 2, 3].map((counter) => ({
      signed: signReading(
        {
          deviceId: 'EL-QUEUE',
          counter,
          time: new Date(1_800_000_000_000 + counter * 1000).toISOString(),
          position: { lat: 22.5, lon: 114.1 },
          speedKmh: 60,
          lock: 'SEALED' as const,
          batteryPct: 90,
          event: 'POSITION' as const,
        },
        device.privateKey,
      ),
      publicKeyPem: pem,
    }));
    const all = await Promise.all(
      Array.from({ length: 24 }, () => workers.checkReadings(batch, 16)),
    );
    expect(all.flat().every((v) => v === 'VALID')).toBe(true);
    expect(all).toHaveLength(24);
  });
});
