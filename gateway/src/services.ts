/**
 * The gateway's application services on PostgreSQL and Redis: accounts, sessions, the
 * operations queue with its worker, and LISTEN/NOTIFY. One place wires them, for the
 * server, the tests and the bench alike.
 */
import type { Pool } from 'pg';
import { createAccountStore, type AccountStore } from './auth/accounts';
import { createSessionStore, type SessionStore } from './auth/sessions';
import type { Ledger } from './ports/ledger';
import { gaugeFrom, operationRetries, operationsFinished } from './metrics';
import { listen, type Notifications } from './notifications';
import { EVENTS_CHANNEL } from './projection/store';
import { createOperationQueue, startOperationWorker } from './operations/queue';
import type { LedgerDirectory } from './operations/runner';
import { firstAttemptsInProcess } from './operations/first-attempt';
import {
  OPERATION_CHANNEL,
  createOperationStore,
  type OperationRow,
  type OperationStore,
} from './operations/store';
import type { Operations } from './operations/submit';
import { createOperationWaiter } from './operations/waiter';
import type { SigningIdentity } from './ports/fabric-ledger';

export interface GatewayServices {
  accounts: AccountStore;
  sessions: SessionStore;
  operations: Operations;
  notifications: Notifications;
  ledgers: LedgerDirectory;
  close(): Promise<void>;
}

export async function startGatewayServices(options: {
  pool: Pool;
  redisUrl: string;
  /** Redis key prefix of the queues (default `clearance`). */
  queuePrefix?: string;
  /** Key encryption key of the officers' private keys (32 bytes). */
  kek: Uint8Array;
  /** A ledger acting as the given identity (officers, filing agents). */
  ledgerAs(identity: SigningIdentity, accountId: string): Ledger;
  onError?(error: unknown): void;
  /** Structured log of operations that ended (operation, kind, state, transaction id). */
  log?(fields: Record<string, unknown>, message: string): void;
}): Promise<GatewayServices> {
  const accounts = createAccountStore(options.pool, options.kek);
  const sessions = createSessionStore(options.pool);
  const store = createOperationStore(options.pool);
  const queue = createOperationQueue(options.redisUrl, options.queuePrefix, options.onError);
  const notifications = await listen(options.pool, [OPERATION_CHANNEL, EVENTS_CHANNEL]);
  notifications.events.on('error', (error: unknown) => options.onError?.(error));
  const waiter = createOperationWaiter(notifications);
  const cache = new Map<string, Promise<Ledger>>();
  const ledgers: LedgerDirectory = (accountId) => {
    let ledger = cache.get(accountId);
    if (!ledger) {
      ledger = accounts
        .identity(accountId)
        .then((identity) => options.ledgerAs(identity, accountId));
      ledger.catch(() => cache.delete(accountId));
      cache.set(accountId, ledger);
    }
    return ledger;
  };
  /** Counts and logs an operation that ended (undefined: it had ended already). */
  const ended = (row: OperationRow | undefined) => {
    if (!row) return;
    waiter.ended(row);
    operationsFinished.inc({ kind: 'any', state: row.state });
    options.log?.(
      {
        operationId: row.operation_id,
        kind: row.kind,
        state: row.state,
        transactionId: row.transaction_id,
        blockNumber: row.block_number,
        error: row.error?.code,
      },
      'operation ended',
    );
  };
  /** The store as runners use it: an operation that ends wakes its waiters here. */
  const runStore: OperationStore = {
    ...store,
    succeed: async (id, transactionId, block) => {
      const row = await store.succeed(id, transactionId, block);
      ended(row);
      return row;
    },
    fail: async (id, transactionId, error) => {
      const row = await store.fail(id, transactionId, error);
      ended(row);
      return row;
    },
  };
  const runner = {
    store: runStore,
    queue,
    ledgers,
    ...(options.onError ? { onError: options.onError } : {}),
    onRetry: (code: string) => operationRetries.inc({ code }),
  };
  const worker = startOperationWorker({
    redisUrl: options.redisUrl,
    ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
    ...runner,
  });
  const firstAttempts = firstAttemptsInProcess(runner);
  gaugeFrom(
    'gateway_operations_queue_depth',
    'Operations waiting or running in the queue, or in a first attempt in this process',
    () => firstAttempts.depth(),
  );
  return {
    accounts,
    sessions,
    operations: { store, queue: firstAttempts, waiter },
    notifications,
    ledgers,
    async close() {
      await worker.close();
      await firstAttempts.close();
      await notifications.close();
      for (const ledger of cache.values()) await (await ledger.catch(() => undefined))?.close();
    },
  };
}
