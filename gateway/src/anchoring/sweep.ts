/**
 * The anchoring sweep: every seal with readings not yet anchored gets them anchored,
 * batch by batch. Everything it needs is in PostgreSQL, so a gateway restarted after a
 * crash, or one whose Redis lost the anchoring jobs, simply carries on. With the queue in
 * front (anchoring/queue.ts) it is the safety net, for readings left pending a while.
 */
import type { Pool } from 'pg';
import type { Ledger } from '../ports/ledger';
import { anchorSeal } from './anchor';

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
  /** Only readings stored at least this long ago (the queue handles fresh ones); default 0. */
  staleAfterMs?: number;
  onError?(error: unknown): void;
}): AnchorWorker {
  let stopped = false;
  let running: Promise<number> = Promise.resolve(0);
  const runOnce = async (): Promise<number> => {
    const { rows } = await options.pool.query<{ seal_id: string }>(
      `SELECT DISTINCT seal_id FROM readings
       WHERE batch_id IS NULL AND received_at <= now() - make_interval(secs => $1)`,
      [(options.staleAfterMs ?? 0) / 1000],
    );
    let anchored = 0;
    for (const { seal_id } of rows)
      anchored += await anchorSeal(options.pool, options.ledger, seal_id, options.maxBatch);
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
  timer.unref();
  return {
    runOnce: () => (running = running.then(runOnce)),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => 0);
    },
  };
}
