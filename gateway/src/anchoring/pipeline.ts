/**
 * The seal side of the gateway in one place: the anchoring queue and its worker, the
 * PostgreSQL sweep behind them, and the seal monitor. The readings route calls stored()
 * after each commit; what it queues, the worker anchors; what Redis loses, the sweep does.
 */
import type { Pool } from 'pg';
import type { Ledger } from '../ports/ledger';
import { gaugeFrom } from '../metrics';
import type { StoredRange } from '../readings/ingest';
import { startAnchorWorker, type AnchorWorker } from './sweep';
import { createAnchorQueue, startAnchorQueueWorker, type AnchorQueue } from './queue';
import type { MonitorPolicy } from '../seals/monitor';
import { startSealMonitor, type SealMonitor } from '../seals/monitor-loop';

/** What the readings route needs: to be told what was stored. */
export interface ReadingsSink {
  stored(ranges: readonly StoredRange[]): Promise<void>;
}

export interface SealPipeline extends ReadingsSink {
  queue: AnchorQueue;
  sweep: AnchorWorker;
  monitor: SealMonitor;
  close(): Promise<void>;
}

export function startSealPipeline(options: {
  pool: Pool;
  redisUrl: string;
  prefix?: string;
  /** The seal operator's ledger identity: it anchors and records alarms. */
  ledger: Ledger;
  concurrency?: number;
  /** The sweep: how often, and how old pending readings must be (defaults 10 s and 5 s). */
  sweepEveryMs?: number;
  staleAfterMs?: number;
  monitorEveryMs?: number;
  policy?: MonitorPolicy;
  onError?(error: unknown): void;
}): SealPipeline {
  const prefix = options.prefix ?? 'clearance';
  const queue = createAnchorQueue(options.redisUrl, prefix, options.onError);
  const worker = startAnchorQueueWorker({
    redisUrl: options.redisUrl,
    prefix,
    pool: options.pool,
    ledger: options.ledger,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const sweep = startAnchorWorker({
    pool: options.pool,
    ledger: options.ledger,
    intervalMs: options.sweepEveryMs ?? 10_000,
    staleAfterMs: options.staleAfterMs ?? 5_000,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const monitor = startSealMonitor({
    pool: options.pool,
    ledger: options.ledger,
    intervalMs: options.monitorEveryMs ?? 5_000,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  gaugeFrom('gateway_readings_queue_depth', 'Anchoring jobs of readings waiting or running', () =>
    queue.depth(),
  );
  return {
    queue,
    sweep,
    monitor,
    async stored(ranges) {
      for (const r of ranges) monitor.touch(r.sealId);
      await queue.enqueue(ranges);
    },
    async close() {
      await monitor.stop();
      await worker.close();
      await queue.close();
      await sweep.stop();
    },
  };
}
