/**
 * Operations: ledger submissions the gateway has accepted. The row is written before the
 * 202, the endorsed envelope and its transaction id before it is sent, the outcome when
 * the commit is known: after a crash at any point the row says what to do next.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { ApiError } from '../errors';
import type { Operation, OperationError } from '../http/schemas';

export interface OperationRequest {
  principalId: string;
  idempotencyKey: string;
  /** sha256 of what was asked (route and body): the same key for another request is refused. */
  requestSha256: string;
  kind: string;
  accountId: string;
  transaction: string;
  args: string[];
  transient: Record<string, string>;
  declarationId?: string;
}

export interface OperationRow {
  operation_id: string;
  principal_id: string;
  kind: string;
  account_id: string;
  transaction: string;
  args: string[];
  transient: Record<string, string>;
  declaration_id: string | null;
  state: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  transaction_id: string | null;
  envelope: Buffer | null;
  result: unknown;
  error: OperationError | null;
  block_number: string | null;
  request_sha256: string;
  created_at: Date;
  updated_at: Date;
}

export function toOperation(row: OperationRow): Operation {
  return {
    operationId: row.operation_id,
    kind: row.kind,
    state: row.state,
    ...(row.declaration_id ? { declarationId: row.declaration_id } : {}),
    ...(row.transaction_id && row.state !== 'pending' ? { transactionId: row.transaction_id } : {}),
    ...(row.block_number ? { blockNumber: row.block_number } : {}),
    ...(row.state === 'succeeded' && row.result !== null ? { result: row.result } : {}),
    ...(row.error ? { error: row.error } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const OPERATION_CHANNEL = 'operations';
/** Ids per page of `stale`. */
export const STALE_PAGE = 1000;

export interface OperationStore {
  /** Records the request once per (principal, key); `created` is false for a retry. */
  create(request: OperationRequest): Promise<{ row: OperationRow; created: boolean }>;
  get(operationId: string): Promise<OperationRow | undefined>;
  /**
   * Stores the envelope to send, unless one is stored already: false then (another attempt
   * at the same operation, in this process or another gateway, endorsed first; its envelope
   * is the one that goes, this one is never sent).
   */
  recordPrepared(
    operationId: string,
    transactionId: string,
    envelope: Uint8Array,
    result: string,
  ): Promise<boolean>;
  /** Forgets an envelope the ledger invalidated (MVCC): the next attempt endorses anew. */
  clearPrepared(operationId: string, transactionId: string): Promise<void>;
  /**
   * The outcome of the attempt that acted on `transactionId` (null: it endorsed and was
   * refused before storing an envelope). The row as it ended, or undefined when it had ended
   * already or holds another transaction now (the outcome belongs to that one).
   */
  succeed(
    operationId: string,
    transactionId: string,
    blockNumber: bigint,
  ): Promise<OperationRow | undefined>;
  fail(
    operationId: string,
    transactionId: string | null,
    error: OperationError,
  ): Promise<OperationRow | undefined>;
  /**
   * Pending operations untouched for a while, to enqueue again after a crash or a Redis
   * loss: one page of at most `limit` ids, oldest first, after the operation `after` (the
   * last id of the previous page). An empty page: no more.
   */
  stale(olderThanMs: number, after?: string, limit?: number): Promise<string[]>;
}

function parseResult(result: string): unknown {
  try {
    const parsed: unknown = JSON.parse(result);
    return parsed;
  } catch {
    return result;
  }
}

export function createOperationStore(pool: Pool): OperationStore {
  const finish = async (
    id: string,
    transactionId: string | null,
    set: string,
    values: unknown[],
  ): Promise<OperationRow | undefined> => {
    const { rows } = await pool.query<OperationRow & { notified?: unknown }>(
      // Transient data (a filing's commercial values) is kept only while it may be needed
      // again: once the outcome is known it is dropped.
      `WITH done AS (UPDATE operations SET ${set}, transient = '{}', updated_at = now()
         WHERE operation_id = $1 AND state = 'pending' AND transaction_id IS NOT DISTINCT FROM $2
         RETURNING *)
       SELECT done.*, pg_notify('${OPERATION_CHANNEL}', operation_id::text) AS notified FROM done`,
      [id, transactionId, ...values],
    );
    const row = rows[0];
    if (row) delete row.notified; // pg_notify's (void) column
    return row;
  };
  /**
   * The operations committed in one block learn it at the same moment: their outcomes are
   * recorded in one statement (one round trip and one WAL flush for the block, not one each).
   */
  const succeeded = batchedByTick(
    async (batch: readonly { id: string; transactionId: string; blockNumber: string }[]) => {
      const { rows } = await pool.query<OperationRow & { notified?: unknown }>(
        `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS v(id, tx_id, block)),
         done AS (UPDATE operations o SET state = 'succeeded', block_number = v.block,
                    transient = '{}', updated_at = now()
                  FROM v WHERE o.operation_id = v.id AND o.state = 'pending' AND o.transaction_id = v.tx_id
                  RETURNING o.*)
         SELECT done.*, pg_notify('${OPERATION_CHANNEL}', operation_id::text) AS notified FROM done`,
        [
          batch.map((b) => b.id),
          batch.map((b) => b.transactionId),
          batch.map((b) => b.blockNumber),
        ],
      );
      const byId = new Map(rows.map((row) => [row.operation_id, row]));
      return batch.map(({ id }) => {
        // Two attempts at one operation in one batch: the outcome is the first one's.
        const row = byId.get(id);
        byId.delete(id);
        if (row) delete row.notified; // pg_notify's (void) column
        return row;
      });
    },
  );
  return {
    async create(r) {
      const inserted = await pool.query<OperationRow>(
        `INSERT INTO operations (operation_id, principal_id, idempotency_key, request_sha256, kind,
                                 account_id, transaction, args, transient, declaration_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (principal_id, idempotency_key) DO NOTHING RETURNING *`,
        [
          randomUUID(),
          r.principalId,
          r.idempotencyKey,
          r.requestSha256,
          r.kind,
          r.accountId,
          r.transaction,
          JSON.stringify(r.args),
          JSON.stringify(r.transient),
          r.declarationId ?? null,
        ],
      );
      if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
      const { rows } = await pool.query<OperationRow>(
        'SELECT * FROM operations WHERE principal_id = $1 AND idempotency_key = $2',
        [r.principalId, r.idempotencyKey],
      );
      const row = rows[0];
      // Inserted by nobody and yet in conflict: the row was deleted between the statements.
      if (!row) throw new ApiError('CONFLICT', 'the operation changed meanwhile; try again');
      if (row.request_sha256 !== r.requestSha256) throw new ApiError('IDEMPOTENCY_KEY_REUSED');
      return { row, created: false };
    },

    async get(id) {
      const { rows } = await pool.query<OperationRow>(
        'SELECT * FROM operations WHERE operation_id = $1',
        [id],
      );
      return rows[0];
    },

    async recordPrepared(id, transactionId, envelope, result) {
      const { rowCount } = await pool.query(
        `UPDATE operations SET transaction_id = $2, envelope = $3, result = $4,
           attempts = attempts + 1, updated_at = now()
         WHERE operation_id = $1 AND state = 'pending' AND transaction_id IS NULL`,
        [id, transactionId, Buffer.from(envelope), JSON.stringify(parseResult(result))],
      );
      return rowCount === 1;
    },

    async clearPrepared(id, transactionId) {
      await pool.query(
        `UPDATE operations SET transaction_id = NULL, envelope = NULL, result = NULL, updated_at = now()
         WHERE operation_id = $1 AND transaction_id = $2`,
        [id, transactionId],
      );
    },

    succeed: (id, transactionId, blockNumber) =>
      succeeded.add({ id, transactionId, blockNumber: blockNumber.toString() }),

    fail: (id, transactionId, error) =>
      finish(id, transactionId, `state = 'failed', error = $3`, [JSON.stringify(error)]),

    async stale(olderThanMs, after, limit = STALE_PAGE) {
      // The cursor is compared in SQL (created_at has microseconds, a JS Date has not).
      const { rows } = await pool.query<{ operation_id: string }>(
        `SELECT operation_id FROM operations
         WHERE state = 'pending' AND updated_at < now() - ($1 || ' milliseconds')::interval
           AND ($2::uuid IS NULL OR (created_at, operation_id) >
                (SELECT created_at, operation_id FROM operations WHERE operation_id = $2::uuid))
         ORDER BY created_at, operation_id LIMIT $3`,
        [String(olderThanMs), after ?? null, limit],
      );
      return rows.map((r) => r.operation_id);
    },
  };
}

/**
 * Calls made in one turn of the event loop, run as one batch at its end: `run` answers each
 * call's item in order. A failure fails every call of the batch.
 */
export function batchedByTick<I, O>(
  run: (items: readonly I[]) => Promise<O[]>,
): { add(item: I): Promise<O> } {
  let pending: { item: I; resolve(value: O): void; reject(error: unknown): void }[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    run(batch.map((p) => p.item)).then(
      (outs) => {
        if (outs.length !== batch.length) {
          const error = new Error(`a batch of ${batch.length} answered ${outs.length}`);
          batch.forEach((p) => p.reject(error));
        } else outs.forEach((out, i) => batch[i]?.resolve(out));
      },
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  };
  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ item, resolve, reject });
      });
    },
  };
}
