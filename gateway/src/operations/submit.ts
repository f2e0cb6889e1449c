/**
 * Accepting a ledger act over HTTP: the Idempotency-Key makes a retry return the first
 * outcome; the operation row is stored before the answer; `Prefer: wait=N` answers once
 * the commit is known (200), otherwise 202 with the operation to poll.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { ApiError } from '../errors';
import {
  toOperation,
  type OperationRequest,
  type OperationRow,
  type OperationStore,
} from './store';
import type { OperationQueue } from './queue';
import type { OperationWaiter } from './waiter';

export interface Operations {
  store: OperationStore;
  queue: OperationQueue;
  waiter: OperationWaiter;
}

export type LedgerAct = Omit<OperationRequest, 'principalId' | 'idempotencyKey' | 'requestSha256'>;

const MAX_WAIT_S = 30;

export async function acceptOperation(
  operations: Operations,
  request: FastifyRequest,
  reply: FastifyReply,
  act: LedgerAct,
): Promise<FastifyReply> {
  const headers = request.headers as Record<string, string | undefined>;
  const idempotencyKey = headers['idempotency-key'];
  if (!idempotencyKey) throw new ApiError('IDEMPOTENCY_KEY_REQUIRED');
  const principal = request.principal;
  if (!principal) throw new ApiError('UNAUTHENTICATED');
  const requestSha256 = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n`)
    .update(JSON.stringify(request.body))
    .digest('hex');
  const { row, created } = await operations.store.create({
    ...act,
    principalId: principal.id,
    idempotencyKey,
    requestSha256,
  });
  if (created) {
    // If this fails (Redis away) the row is still there: the sweep enqueues it later.
    await operations.queue.enqueue(row.operation_id).catch((error: unknown) => {
      request.log.warn(
        { err: error, operationId: row.operation_id },
        'enqueue failed; the sweep will retry',
      );
    });
  }
  request.log.info({ operationId: row.operation_id, created }, 'operation accepted');
  let final: OperationRow = row;
  const wait = /^wait=(\d+)$/.exec(headers.prefer ?? '');
  if (wait && row.state === 'pending') {
    const ms = Math.min(Number(wait[1]), MAX_WAIT_S) * 1000;
    const ended = await operations.waiter.wait(row.operation_id, ms, async () => {
      final = (await operations.store.get(row.operation_id)) ?? row;
      return final.state !== 'pending';
    });
    // Woken by the notification: read the outcome it announced (once).
    if (ended && final.state === 'pending')
      final = (await operations.store.get(row.operation_id)) ?? final;
  }
  void reply.header('location', `/v1/operations/${row.operation_id}`);
  if (final.transaction_id) void reply.header('x-transaction-id', final.transaction_id);
  return reply
    .status(final.state === 'pending' ? 202 : 200)
    .send({ operation: toOperation(final) });
}
