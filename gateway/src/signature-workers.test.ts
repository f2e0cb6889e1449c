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
import * as path from 'node:path';
import { startSignatureWorkers, type SignatureWorkers } from './signature-workers';

const WORKER = path.join(__dirname, '..', 'dist', 'signature-worker.js');

describe('signature checks on worker threads', () => {
  let pki: TestPki;
  let workers: SignatureWorkers;
  const content = canonicalBytes(sampleFiling('GD-WORKER-1'));
  beforeAll(async () => {
    pki = await createTestPki({ idSuffix: 'WORKERS' });
    workers = startSignatureWorkers({ threads: 2, filename: WORKER });
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
});
