/**
 * Anchoring jobs on BullMQ. After the readings of a request are committed to PostgreSQL
 * (and before the 202), one job per seal and counter range is added in bulk; the job id
 * names the seal and range, so the same range is never queued twice. A worker runs
 * anchorSeal for the job's seal. A job holds only the seal id: the readings are in
 * PostgreSQL, so when Redis loses the jobs the sweep (anchoring/sweep.ts) anchors them.
 */
import { Queue, Worker } from 'bullmq';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Ledger } from '../ports/ledger';
import { queueDepth, redisConnection, WORKER_LOCK } from '../operations/queue';
import { anchorSeal } from './anchor';
import type { StoredRange } from '../readings/ingest';

const ANCHOR_QUEUE_NAME = 'seal-anchoring';
/** A job of the anchoring queue: the seal whose readings to anchor. */
const SealJob = z.object({ sealId: z.string() });
/** How long a request waits for Redis to take its jobs; past that the sweep will do. */
const ENQUEUE_TIMEOUT_MS = 500;

/** Resolves with the promise's value, or with `fallback` after `ms` (the promise runs on). */
function within<T>(ms: number, promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export interface AnchorQueue {
  /** Queues the anchoring of what was stored; resolves false (never throws) when Redis is away. */
  enqueue(ranges: readonly StoredRange[]): Promise<boolean>;
  /** Jobs waiting, delayed or running (for /metrics). */
  depth(): Promise<number>;
  close(): Promise<void>;
}

/** The job id of a stored range: BullMQ ignores a second job with the same id. */
function anchorJobId(range: StoredRange): string {
  return `${range.sealId}@${range.deviceId}@${range.fromCounter}-${range.toCounter}`;
}

export function createAnchorQueue(
  redisUrl: string,
  prefix = 'clearance',
  onError?: (error: unknown) => void,
): AnchorQueue {
  const queue = new Queue(ANCHOR_QUEUE_NAME, { connection: redisConnection(redisUrl), prefix });
  queue.on('error', (error) => onError?.(error));
  return {
    async enqueue(ranges) {
      if (ranges.length === 0) return true;
      // While Redis is away BullMQ waits for it to come back: a request must not wait.
      const added = queue
        .addBulk(
          ranges.map((range) => ({
            name: 'anchor',
            data: { sealId: range.sealId },
            opts: {
              jobId: anchorJobId(range),
              attempts: 8,
              backoff: { type: 'exponential', delay: 250 },
              removeOnComplete: true,
              removeOnFail: 1000,
            },
          })),
        )
        .then(() => true)
        .catch((error: unknown) => {
          onError?.(error); // stored already: the sweep will anchor them
          return false;
        });
      return within(ENQUEUE_TIMEOUT_MS, added, false);
    },
    depth: () => queueDepth(queue),
    close: () => within(2000, queue.close(), undefined),
  };
}

export function startAnchorQueueWorker(options: {
  redisUrl: string;
  prefix?: string;
  pool: Pool;
  ledger: Ledger;
  concurrency?: number;
  maxBatch?: number;
  onError?(error: unknown): void;
  /** Each seal anchored by a job, with the readings anchored. */
  onAnchored?(sealId: string, count: number): void;
}): { close(): Promise<void> } {
  const worker = new Worker(
    ANCHOR_QUEUE_NAME,
    async (job) => {
      const { sealId } = SealJob.parse(job.data);
      const count = await anchorSeal(options.pool, options.ledger, sealId, options.maxBatch);
      options.onAnchored?.(sealId, count);
      return count;
    },
    {
      connection: { ...redisConnection(options.redisUrl), maxRetriesPerRequest: null },
      concurrency: options.concurrency ?? 32,
      prefix: options.prefix ?? 'clearance',
      // The operations worker's lock and retry timings: a job of a killed gateway is taken
      // over in seconds, and the worker goes on within half a second of Redis returning
      // (anchoring twice is refused by the ledger and adopted, anchor.ts).
      ...WORKER_LOCK,
    },
  );
  worker.on('error', (error) => options.onError?.(error));
  worker.on('failed', (_job, error) => options.onError?.(error));
  return { close: () => within(2000, worker.close(), undefined) };
}
