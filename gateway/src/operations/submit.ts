/**
 * Accepting a ledger act over HTTP: the Idempotency-Key makes a retry return the first
 * outcome; the operation row is stored before the answer; `Prefer: wait=N` answers once
 * the commit is known (200), otherwise 202 with the operation to poll.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { ApiError, isApiErrorCode } from '../errors';
import {
  toOperation,
  type OperationRequest,
  type OperationRow,
  type OperationStore,
} from './store';
import type { OperationQueue } from './queue';
import type { OperationWatch, OperationWaiter } from './waiter';
import { markStage, observeStage, sinceMark, timeStage } from './stages';

export interface Operations {
  store: OperationStore;
  queue: OperationQueue;
  waiter: OperationWaiter;
}

export type LedgerAct = Omit<OperationRequest, 'principalId' | 'idempotencyKey' | 'requestSha256'>;

const MAX_WAIT_S = 30;

/**
 * Stores the act as an operation once per (principal, key) and hands it to the queue; the
 * row is committed in PostgreSQL before anything is sent, so a crash after this loses
 * nothing (the sweep enqueues what the queue never got, the runner resumes it).
 */
async function storeOperation(
  operations: Operations,
  request: FastifyRequest,
  reply: FastifyReply,
  act: LedgerAct,
  idempotencyKey: string,
  /** The caller waits for the outcome: a new operation is watched before it is enqueued. */
  waits: boolean,
): Promise<{ row: OperationRow; created: boolean; watch?: OperationWatch }> {
  const principal = request.principal;
  if (!principal) throw new ApiError('UNAUTHENTICATED');
  const requestSha256 = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n`)
    .update(JSON.stringify(request.body))
    .digest('hex');
  const { row, created } = await timeStage('stored', () =>
    operations.store.create({
      ...act,
      principalId: principal.id,
      idempotencyKey,
      requestSha256,
    }),
  );
  observeStage('accepted', reply.elapsedTime / 1000);
  const watch = created && waits ? operations.waiter.watch(row.operation_id) : undefined;
  if (created) {
    // If this fails (Redis away) the row is still there: the sweep enqueues it later.
    await timeStage('queued', () => operations.queue.enqueue(row.operation_id, { row }))
      .then(() => markStage(row.operation_id))
      .catch((error: unknown) => {
        request.log.warn(
          { err: error, operationId: row.operation_id },
          'enqueue failed; the sweep will retry',
        );
      });
  }
  request.log.info({ operationId: row.operation_id, created }, 'operation accepted');
  return { row, created, ...(watch ? { watch } : {}) };
}

/** The operation as it stands once it ended, or after `ms` (then possibly still pending). */
async function outcomeOf(
  operations: Operations,
  row: OperationRow,
  ms: number,
  /** Watching since before the enqueue (a new operation): no read before the wait. */
  watch?: OperationWatch,
): Promise<OperationRow> {
  if (watch) {
    // No read first; after a lost LISTEN connection, read again (a NOTIFY may be lost).
    const ended = await watch.until(
      ms,
      async () =>
        ((await operations.store.get(row.operation_id))?.state ?? 'pending') !== 'pending',
      false,
    );
    // Recorded by this process: the row it recorded. Told by NOTIFY: read it (once).
    if (typeof ended !== 'boolean') return ended;
    return ended ? ((await operations.store.get(row.operation_id)) ?? row) : row;
  }
  if (row.state !== 'pending') return row;
  let final = row;
  const ended = await operations.waiter.wait(row.operation_id, ms, async () => {
    final = (await operations.store.get(row.operation_id)) ?? row;
    return final.state !== 'pending';
  });
  // Woken by the notification: read the outcome it announced (once).
  if (ended && final.state === 'pending')
    final = (await operations.store.get(row.operation_id)) ?? final;
  return final;
}

export async function acceptOperation(
  operations: Operations,
  request: FastifyRequest,
  reply: FastifyReply,
  act: LedgerAct,
): Promise<FastifyReply> {
  const idempotencyKey = headerOf(request, 'idempotency-key');
  if (!idempotencyKey) throw new ApiError('IDEMPOTENCY_KEY_REQUIRED');
  const wait = /^wait=(\d+)$/.exec(headerOf(request, 'prefer') ?? '');
  const { row, watch } = await storeOperation(
    operations,
    request,
    reply,
    act,
    idempotencyKey,
    wait !== null,
  );
  const final = wait
    ? await outcomeOf(operations, row, Math.min(Number(wait[1]), MAX_WAIT_S) * 1000, watch)
    : row;
  if (final.state !== 'pending') {
    sinceMark(row.operation_id, 'answered');
    observeStage('total', reply.elapsedTime / 1000);
  }
  void reply.header('location', `/v1/operations/${row.operation_id}`);
  if (final.transaction_id) void reply.header('x-transaction-id', final.transaction_id);
  return reply
    .status(final.state === 'pending' ? 202 : 200)
    .send({ operation: toOperation(final) });
}

/** An act committed through its operation: what the ledger answered, parsed by its schema. */
export interface CommittedAct<T> {
  transactionId: string;
  blockNumber: string;
  result: T;
  /** False when the key named an operation stored earlier (a retry, or its racing twin). */
  created: boolean;
}

/**
 * The same durable path for routes whose caller needs the outcome in the answer (a lane's
 * GO or INSPECT, a checkpoint tap, a self-check): the act is stored as an operation and run
 * by the runner like any other, and the route waits for its end as `Prefer: wait` does.
 * A refusal is thrown as the ApiError the ledger gave; an operation that has not ended
 * within the wait (the ledger away) is 503 LEDGER_UNAVAILABLE with the operation in
 * `Location`: it goes on, and the same key asks for its outcome again.
 */
export async function commitAct<S extends z.ZodType>(
  operations: Operations,
  request: FastifyRequest,
  reply: FastifyReply,
  act: LedgerAct & { idempotencyKey: string; resultSchema: S },
): Promise<CommittedAct<z.infer<S>>> {
  const { idempotencyKey, resultSchema, ...rest } = act;
  const { row, created, watch } = await storeOperation(
    operations,
    request,
    reply,
    rest,
    idempotencyKey,
    true,
  );
  const final = await outcomeOf(operations, row, MAX_WAIT_S * 1000, watch);
  if (final.state !== 'pending') sinceMark(row.operation_id, 'answered');
  const transactionId = final.transaction_id ?? undefined;
  if (final.state === 'failed' || final.state === 'pending') {
    const error = final.error;
    if (final.state === 'pending' || !error) {
      void reply.header('location', `/v1/operations/${row.operation_id}`);
      throw new ApiError(
        'LEDGER_UNAVAILABLE',
        `not committed yet; operation ${row.operation_id} goes on (the same Idempotency-Key asks again)`,
      );
    }
    throw new ApiError(isApiErrorCode(error.code) ? error.code : 'INTERNAL', error.message, {
      ...(transactionId ? { transactionId } : {}),
      reason: error.reason,
    });
  }
  const parsed = resultSchema.safeParse(final.result);
  if (!parsed.success || !transactionId || final.block_number === null)
    throw new ApiError('INTERNAL', `${final.transaction} returned an unexpected shape`, {
      cause: parsed.error,
    });
  return { transactionId, blockNumber: final.block_number, result: parsed.data, created };
}

/** A request header as one string (a repeated header is not one value). */
function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
