/**
 * Anchoring: the unanchored readings of a seal, in counter order, become one batch whose
 * Merkle root is recorded on the ledger (Seal:AnchorReadings); then the rows are marked
 * with the batch. The batch id is derived from its first reading, so after a crash
 * between the ledger and the database the same batch is found again, not anchored twice.
 */
import { batchRoot, type SignedReading } from '@clearance/domain/node';
import type { Pool } from 'pg';
import { inTransaction } from '../db';
import { createContractClient } from '../ports/contract';
import { ledgerRefusal, type Ledger } from '../ports/ledger';

export interface AnchoredBatch {
  batchId: string;
  sealId: string;
  count: number;
  merkleRoot: string;
  transactionId: string;
}

interface Row {
  device_id: string;
  counter: string;
  signed: SignedReading;
}

function describeBatch(batchId: string, batch: readonly Row[]) {
  const readings = batch.map((r) => r.signed);
  return {
    batchId,
    fromCounter: Number(batch[0]?.counter),
    toCounter: Number(batch[batch.length - 1]?.counter),
    count: batch.length,
    merkleRoot: batchRoot(readings),
    // A batch has one reading at least (anchorPending returns before an empty one).
    firstTime: readings[0]?.reading.time ?? '',
    lastTime: readings[readings.length - 1]?.reading.time ?? '',
  };
}

/** Anchors up to `maxBatch` pending readings of one seal; undefined when none are pending. */
export async function anchorPending(
  pool: Pool,
  ledger: Ledger,
  sealId: string,
  maxBatch = 5000,
): Promise<AnchoredBatch | undefined> {
  const { rows } = await pool.query<Row>(
    `SELECT device_id, counter, signed FROM readings WHERE seal_id = $1 AND batch_id IS NULL
     ORDER BY device_id, counter LIMIT $2`,
    [sealId, maxBatch],
  );
  const deviceId = rows[0]?.device_id;
  if (deviceId === undefined) return undefined;
  const contract = createContractClient(ledger);
  let batch = rows.filter((r) => r.device_id === deviceId);
  const from = Number(batch[0]?.counter);
  const batchId = `${deviceId}-${from}`; // unique within the seal: counters only rise
  let anchored: { transactionId: string; blockNumber: bigint };
  // The Merkle root is most of a batch's CPU here (RFC 8785 JSON of every reading): once.
  let described = describeBatch(batchId, batch);
  try {
    ({ committed: anchored } = await contract.seal.anchorReadings(sealId, described));
  } catch (error) {
    // Anchored before a crash (possibly a shorter batch, more readings having come since):
    // the ledger has this batch id; adopt its range if our rows give the same root.
    if (ledgerRefusal(error) !== 'REPLAYED') throw error;
    const anchors = await contract.seal.anchors(sealId);
    const found = anchors.find((a) => a.batchId === batchId);
    const adopted = batch.filter((r) => Number(r.counter) <= (found?.toCounter ?? -1));
    if (!found || batchRoot(adopted.map((r) => r.signed)) !== found.merkleRoot) throw error;
    batch = adopted;
    described = describeBatch(batchId, batch);
    anchored = { transactionId: found.txId, blockNumber: -1n };
  }
  const { toCounter: to, merkleRoot } = described;
  await inTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO anchor_batches (batch_id, seal_id, from_counter, to_counter, count, merkle_root, tx_id, block_number)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (batch_id) DO NOTHING`,
      [
        batchId,
        sealId,
        from,
        to,
        batch.length,
        merkleRoot,
        anchored.transactionId,
        anchored.blockNumber.toString(),
      ],
    );
    await client.query(
      'UPDATE readings SET batch_id = $1 WHERE seal_id = $2 AND device_id = $3 AND counter BETWEEN $4 AND $5 AND batch_id IS NULL',
      [batchId, sealId, deviceId, from, to],
    );
  });
  return {
    batchId,
    sealId,
    count: batch.length,
    merkleRoot,
    transactionId: anchored.transactionId,
  };
}

/** Seals being anchored in this process: one runner per seal at a time (queue jobs and sweep). */
const busy = new Map<string, Promise<number>>();

/**
 * Anchors every pending reading of a seal, batch by batch, and resolves with how many it
 * anchored. Calls for the same seal take turns, so the queue's jobs and the sweep never
 * race each other for one batch (across processes the ledger refuses the second anchor of
 * a batch, and anchorPending adopts it).
 */
export function anchorSeal(
  pool: Pool,
  ledger: Ledger,
  sealId: string,
  maxBatch?: number,
): Promise<number> {
  const run = async (): Promise<number> => {
    let anchored = 0;
    for (;;) {
      const batch = await anchorPending(pool, ledger, sealId, maxBatch);
      if (!batch) return anchored;
      anchored += batch.count;
    }
  };
  const previous = busy.get(sealId) ?? Promise.resolve(0);
  const next = previous.catch(() => 0).then(run);
  busy.set(sealId, next);
  const forget = () => {
    if (busy.get(sealId) === next) busy.delete(sealId);
  };
  next.then(forget, forget);
  return next;
}
