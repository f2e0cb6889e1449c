/**
 * An operation's first attempt runs at once in the process that accepted it, with the row it
 * just stored; only what that attempt cannot finish goes to the shared queue (BullMQ), whose
 * worker retries it with backoff. The profile showed the queue's hops (add, fetch, lock,
 * complete: Redis round trips and Lua scripts) and the runner's re-read of the row as a share
 * of the gateway's cost per filing and of its latency, for work that nearly always succeeds
 * the first time.
 *
 * Nothing is lost by skipping the queue: the row is committed before the attempt starts. If
 * this process dies during it, the row stays pending and the sweep of any gateway enqueues
 * it once it is stale (operations/queue.ts). An attempt enqueued by a sweep while this one
 * still runs overlaps it; runOperation fences every write by transaction, so one envelope is
 * sent.
 */
import { retryDelayMs, type OperationQueue } from './queue';
import { runOperation, type LedgerDirectory, RetryLater } from './runner';
import type { OperationRow, OperationStore } from './store';

/** First attempts under way at once in this process; past it, operations wait in the queue. */
export const FIRST_ATTEMPTS_IN_PROCESS = 256;
/** How long closing waits for the attempts under way. */
const CLOSE_WAIT_MS = 10_000;

export function firstAttemptsInProcess(options: {
  store: OperationStore;
  ledgers: LedgerDirectory;
  /** The shared queue: retries, overflow, and what a crash left (through the sweep). */
  queue: OperationQueue;
  limit?: number;
  onError?(error: unknown): void;
  /** An attempt failed and the operation will be tried again (for /metrics). */
  onRetry?(code: string): void;
}): OperationQueue & { running(): number } {
  const { queue } = options;
  const limit = options.limit ?? FIRST_ATTEMPTS_IN_PROCESS;
  const running = new Set<Promise<void>>();
  const attempt = (row: OperationRow): Promise<void> =>
    runOperation(options.store, options.ledgers, row.operation_id, row).catch(
      async (error: unknown) => {
        options.onRetry?.(error instanceof RetryLater ? error.reason.code : 'INTERNAL');
        if (!(error instanceof RetryLater)) options.onError?.(error);
        // Redis away: the queue keeps it and adds it when Redis is back (and the sweep would).
        await queue.enqueue(row.operation_id, { delayMs: retryDelayMs(1) }).catch(() => undefined);
      },
    );
  return {
    async enqueue(operationId, opts) {
      const row = opts?.row;
      if (!row || opts.delayMs || running.size >= limit) return queue.enqueue(operationId, opts);
      const run = attempt(row).finally(() => running.delete(run));
      running.add(run);
    },
    running: () => running.size,
    depth: async () => running.size + (await queue.depth()),
    ping: () => queue.ping(),
    async close() {
      // Attempts under way end first, for a while (their outcome would otherwise wait for a
      // sweep; the rows keep them either way).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS))),
      ]);
      clearTimeout(timer);
      await queue.close();
    },
  };
}
