/**
 * The anchoring worker: while running, every seal with readings not yet anchored gets
 * them anchored, batch by batch. Everything it needs is in PostgreSQL, so a gateway
 * restarted after a crash simply carries on.
 */
import type { Pool } from 'pg';
import type { Ledger } from '../ledger/ledger';
import { anchorPending } from './anchor';

export interface AnchorWorker {
  /** One pass over every seal with pending readings; resolves with the readings anchored. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startAnchorWorker(options: {
  pool: Pool;
  ledger: Ledger;
  intervalMs?: number;
  maxBatch?: number;
  onError?(error: unknown): void;
}): AnchorWorker {
  let stopped = false;
  let running: Promise<number> = Promise.resolve(0);
  const runOnce = async (): Promise<number> => {
    const { rows } = await options.pool.query<{ seal_id: string }>(
      'SELECT DISTINCT seal_id FROM readings WHERE batch_id IS NULL',
    );
    let anchored = 0;
    for (const { seal_id } of rows) {
      for (;;) {
        const batch = await anchorPending(options.pool, options.ledger, seal_id, options.maxBatch);
        if (!batch) break;
        anchored += batch.count;
      }
    }
    return anchored;
  };
  const timer = setInterval(() => {
    running = running
      .then(() => (stopped ? 0 : runOnce()))
      .catch((error: unknown) => {
        options.onError?.(error);
        return 0;
      });
  }, options.intervalMs ?? 2000);
  return {
    runOnce: () => (running = running.then(runOnce)),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => 0);
    },
  };
}
