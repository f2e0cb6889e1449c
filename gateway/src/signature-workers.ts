/**
 * Signature checks on worker threads (piscina): parsing CMS and certificates is a few
 * milliseconds of CPU per filing or sign-in, and a batch of 500 readings about 30 ms of
 * ECDSA checks, which on the event loop would hold up every other request meanwhile. Each
 * thread keeps its own caches of parsed certificates and keys.
 */
import { LedgerError } from '@clearance/domain';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { ReadingsTask } from './readings/signature-worker';
import type { ReadingSignatureCheck, ReadingVerdict } from './readings/signatures';
import type { SignatureOutcome, SignatureTask } from './signature-worker';
import type { SignatureVerifier } from './trust-anchors';

export interface SignatureWorkers {
  verify: SignatureVerifier;
  /** A batch of readings' device signatures: one task per batch, on threads of their own. */
  checkReadings: ReadingSignatureCheck;
  close(): Promise<void>;
}

/** One thread per core but one, at least one and at most four, unless told. */
export function defaultSignatureThreads(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/** One thread per core, at most four. */
export function defaultReadingThreads(): number {
  return Math.min(4, availableParallelism());
}

export function startSignatureWorkers(
  /** `dir`: where the compiled workers are (this file's folder; tests name dist). */
  options: { threads?: number; dir?: string } = {},
): SignatureWorkers {
  const threads = options.threads ?? defaultSignatureThreads();
  // A batch's ECDSA checks are most of a reading's CPU: one thread (two cores but one) held
  // the readings route at about 13,000/s while the other core had room.
  const readingThreads = options.threads ?? defaultReadingThreads();
  const pool = new Piscina<SignatureTask, SignatureOutcome>({
    filename: path.join(options.dir ?? __dirname, 'signature-worker.js'),
    minThreads: threads,
    maxThreads: threads,
  });
  // Readings do not queue behind filings' CMS checks (nor these behind a flood of readings).
  const readings = new Piscina<ReadingsTask, ReadingVerdict[]>({
    filename: path.join(options.dir ?? __dirname, 'readings', 'signature-worker.js'),
    minThreads: readingThreads,
    maxThreads: readingThreads,
    // No maxQueue: piscina's 'auto' is threads² (1 on two cores), and a second batch posted
    // meanwhile was refused with a 500 (the readings bench's 8 clients). What bounds a flood is
    // the route's body and rate limits.
  });
  return {
    async verify(content, cms, anchors, at) {
      // Copies of just these bytes: a Buffer's pooled memory would be cloned whole.
      const outcome = await pool.run({
        content: new Uint8Array(content),
        cms: new Uint8Array(cms),
        anchors,
        at: at.toISOString(),
      });
      if (outcome.ok) return outcome.evidence;
      throw new LedgerError(outcome.code, outcome.detail, outcome.reason);
    },
    checkReadings: (items, badLimit) => readings.run({ items: [...items], badLimit }),
    close: async () => {
      await Promise.all([pool.destroy(), readings.destroy()]);
    },
  };
}
