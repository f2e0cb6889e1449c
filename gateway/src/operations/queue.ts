/**
 * The operations queue on BullMQ (Redis). A job is just the operation id; everything else
 * is in PostgreSQL, so a lost Redis loses no work: the sweep re-enqueues pending rows, and
 * a job id is the operation id, so nothing runs twice at once.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { RetryLater, runOperation, type LedgerDirectory } from './runner';
import type { OperationRow, OperationStore } from './store';
import { z } from 'zod';

/** A job of the queue: only the operation id (everything else is in PostgreSQL). */
const OperationJob = z.object({ operationId: z.string() });

export const QUEUE_NAME = 'ledger-operations';
/**
 * Retries of one operation: doubling from 100 ms, at most RETRY_CAP_MS apart, so an
 * operation waiting for a peer, an orderer or PostgreSQL to come back goes again within a
 * couple of seconds of it; 200 attempts keep trying for about 6 minutes before giving up.
 */
const ATTEMPTS = 200;
const RETRY_CAP_MS = 2_000;
const RETRY_ENQUEUE_MS = 500;

/**
 * The worker's hold on a running job. BullMQ's defaults (a 30 s lock, checked every 30 s)
 * left the operations of a gateway killed mid-flight waiting up to a minute for another
 * worker (or the restarted one) to take them. A 5 s lock, checked every 1.5 s, hands them
 * over 5–8 s after the crash. It is renewed about every second (BullMQ 6 looks every
 * lockRenewTime / 2 and renews the locks older than that; its default, half the lock,
 * renewed every 2.5 s, so one event-loop stall of 2.5 s let every lock lapse at once): a
 * stall of up to 4 s now costs none. A lock that lapses while its holder still runs (event
 * loop stalled longer, Redis away longer than the lock) lets a second attempt start:
 * runOperation fences its writes by transaction, so the two send one envelope.
 */
export const WORKER_LOCK = {
  lockDuration: 5_000,
  lockRenewTime: 1_000,
  stalledInterval: 1_500,
  // A job taken back from a dead worker is not a failed job: BullMQ's default (1) would
  // fail the second such job for good, and its kept id would stop the sweep's re-enqueue.
  maxStalledCount: ATTEMPTS,
  // After a Redis call fails (Redis away), try again within half a second, not BullMQ's
  // default 15 s: that wait was most of the worker's pause after Redis came back.
  runRetryDelay: 500,
} as const;
/** How often the worker sees whether Redis is back, to sweep what it may have missed. */
const REDIS_CHECK_MS = 1_000;

/** The pause before attempt `attemptsMade + 1` (pure; BullMQ's custom backoff). */
export function retryDelayMs(attemptsMade: number): number {
  return Math.min(RETRY_CAP_MS, 100 * 2 ** Math.max(0, Math.min(attemptsMade - 1, 20)));
}

/**
 * After the last attempt: the operation fails only if no envelope is stored (fenced in the
 * UPDATE). A stored envelope may still commit (Fabric envelopes do not expire), so that
 * operation stays pending; the sweep takes it up again, and its next attempt asks the
 * ledger and sends the same envelope. Resolves with the failed row, or undefined.
 */
export function giveUp(
  store: OperationStore,
  operationId: string,
  error: unknown,
): Promise<OperationRow | undefined> {
  const reason =
    error instanceof RetryLater
      ? error.reason
      : { code: 'INTERNAL', message: 'the operation could not be completed' };
  return store.fail(operationId, null, reason);
}

export interface EnqueueOptions {
  /** The row as just stored: lets a first attempt in process start without reading it. */
  row?: OperationRow;
  /** Run no sooner than this (a retry's backoff). */
  delayMs?: number;
}

export interface OperationQueue {
  enqueue(operationId: string, options?: EnqueueOptions): Promise<void>;
  /** Jobs waiting or running (for /metrics). */
  depth(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number(u.pathname.slice(1) || 0),
    // Fail fast while Redis is away; the PostgreSQL row already holds the work.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Reconnect within a second of Redis coming back: BullMQ's default backs off up to 20 s,
    // and the worker takes no job meanwhile.
    retryStrategy: redisRetryDelayMs,
  };
}

/** Pause before reconnecting to Redis after `times` failed attempts (ms). */
export function redisRetryDelayMs(times: number): number {
  return Math.min(250 * Math.max(1, times), 1000);
}

/** Jobs waiting, delayed or running in a queue (for /metrics). */
export async function queueDepth(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** `prefix` keeps the keys of one gateway deployment (or one test) apart in a shared Redis. */
export function createOperationQueue(
  redisUrl: string,
  prefix = 'clearance',
  /** Redis connection errors (Redis away): enqueue fails meanwhile, the sweep catches up. */
  onError?: (error: unknown) => void,
): OperationQueue {
  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redisUrl), prefix });
  // Without a listener an EventEmitter's 'error' is thrown: Redis going away would end the
  // process.
  queue.on('error', (error) => onError?.(error));
  const add = (operationId: string, delayMs?: number) =>
    queue.add(
      'submit',
      { operationId },
      {
        jobId: operationId,
        ...(delayMs ? { delay: delayMs } : {}),
        attempts: ATTEMPTS,
        backoff: { type: 'capped' },
        removeOnComplete: true,
        // A failed job kept under the operation's id would make the sweep's re-enqueue of it
        // a no-op (an operation left pending by giveUp, or one whose store.fail failed).
        removeOnFail: true,
      },
    );
  // Operations whose enqueue failed (Redis away) are enqueued again every RETRY_ENQUEUE_MS
  // from this process, so they start as soon as Redis is back rather than at the next sweep
  // (which still catches them if this process dies). They never reached Redis: no job runs
  // twice.
  const unqueued = new Set<string>();
  const retry = setInterval(() => {
    for (const id of unqueued)
      add(id).then(
        () => unqueued.delete(id),
        () => undefined, // still away: the next round
      );
  }, RETRY_ENQUEUE_MS);
  retry.unref();
  return {
    async enqueue(operationId, options) {
      try {
        await add(operationId, options?.delayMs);
      } catch (error) {
        unqueued.add(operationId);
        throw error;
      }
    },
    depth: () => queueDepth(queue),
    async ping() {
      await queue.getJobCounts('waiting');
    },
    async close() {
      clearInterval(retry);
      await queue.close();
    },
  };
}

export interface OperationWorker {
  close(): Promise<void>;
}

export function startOperationWorker(options: {
  redisUrl: string;
  prefix?: string;
  store: OperationStore;
  queue: OperationQueue;
  ledgers: LedgerDirectory;
  concurrency?: number;
  sweepEveryMs?: number;
  staleAfterMs?: number;
  onError?(error: unknown): void;
  /** An attempt failed and the operation will be tried again (for /metrics). */
  onRetry?(code: string): void;
}): OperationWorker {
  const { store, queue } = options;
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => runOperation(store, options.ledgers, OperationJob.parse(job.data).operationId),
    {
      connection: { ...redisConnection(options.redisUrl), maxRetriesPerRequest: null },
      // A job holds its slot from endorsement to commit (seconds under load), so the slots
      // must exceed arrivals per second times that, or filings wait in Redis while the peers
      // have room; the peers' gateway admits 500 requests at once by default.
      concurrency: options.concurrency ?? 256,
      prefix: options.prefix ?? 'clearance',
      autorun: true,
      ...WORKER_LOCK,
      settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(attemptsMade) },
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    const parsed = OperationJob.safeParse(job.data);
    if (!parsed.success) return options.onError?.(parsed.error);
    const id = parsed.data.operationId;
    if (job.attemptsMade >= ATTEMPTS) {
      giveUp(store, id, error).catch((e: unknown) => options.onError?.(e));
    } else {
      options.onRetry?.(error instanceof RetryLater ? error.reason.code : 'INTERNAL');
      if (!(error instanceof RetryLater)) options.onError?.(error);
    }
  });
  worker.on('error', (error) => options.onError?.(error));
  /** Enqueues pending operations nobody has touched for a while (crash, Redis loss). */
  const sweep = async (staleAfterMs = options.staleAfterMs ?? 15_000): Promise<void> => {
    // Page by page to the end: a page of the oldest alone would re-add the same rows at
    // every sweep while more than a page are pending.
    for (let ids = await store.stale(staleAfterMs); ids.length > 0;) {
      for (const id of ids) await queue.enqueue(id);
      ids = await store.stale(staleAfterMs, ids[ids.length - 1]);
    }
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => options.onError?.(error));
  }, options.sweepEveryMs ?? 10_000);
  timer.unref();
  // A gateway restarted after a crash takes up the first attempts its predecessor had under
  // way (run in process, so no lock of theirs lapses) about when a queued job's lock would.
  const takeOver = setTimeout(() => {
    sweep(WORKER_LOCK.lockDuration).catch((error: unknown) => options.onError?.(error));
  }, WORKER_LOCK.lockDuration + WORKER_LOCK.stalledInterval);
  takeOver.unref();
  // Redis back after being away: every pending operation is enqueued again at once (a job
  // that survived in Redis keeps its id, so adding it is a no-op; one lost with Redis's last
  // second of writes is back), rather than when the sweep finds it stale.
  let redisAway = false;
  // Its connection closed (Redis stopped, restarted, or the network failed): a Redis back
  // within a second may never fail a ping, so the close marks it away too.
  worker.on('ioredis:close', () => {
    redisAway = true;
  });
  const redisCheck = setInterval(() => {
    queue.ping().then(
      () => {
        if (!redisAway) return;
        redisAway = false;
        sweep(0).catch((error: unknown) => {
          redisAway = true; // not all enqueued: again at the next check
          options.onError?.(error);
        });
      },
      () => {
        redisAway = true;
      },
    );
  }, REDIS_CHECK_MS);
  redisCheck.unref();
  return {
    async close() {
      clearInterval(timer);
      clearTimeout(takeOver);
      clearInterval(redisCheck);
      await worker.close();
    },
  };
}
