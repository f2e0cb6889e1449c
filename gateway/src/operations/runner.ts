/**
 * One attempt at an operation, resumable from whatever the row says: an envelope stored
 * but no outcome means "find out, send again if the ledger never saw it" (the Fabric
 * client makes a copy only as its resend rules allow: its transaction.ts); no envelope
 * means "endorse". Throws RetryLater for what time may cure (the ledger unreachable, an
 * MVCC conflict); the queue calls again with backoff.
 */
import { FabricStageError } from '@clearance/fabric-client';
import { toApiError } from '../errors';
import { MVCC_CODES, type Ledger, type TransactionStatus } from '../ports/ledger';
import type { OperationRow, OperationStore } from './store';
import { markStage, sinceMark, timeStage } from './stages';

/** The ledger to act with for an account (officers act under their own identity). */
export type LedgerDirectory = (accountId: string) => Promise<Ledger>;

export class RetryLater extends Error {
  constructor(
    readonly reason: { code: string; message: string },
    options?: { cause?: unknown },
  ) {
    super(reason.message, options);
    this.name = 'RetryLater';
  }
}

/**
 * Whether time may cure a failure, as the Fabric client's stage error decides it (its
 * `retryable`) rather than by an HTTP status: nothing answered, retry; an MVCC-invalid
 * commit, endorse again; a refusal coded by the chaincode, fail; an orderer that cannot
 * take it now (SERVICE_UNAVAILABLE), retry. Other failures (the database, the twin's
 * LedgerError) are judged by their API code.
 */
export function retryable(error: unknown): boolean {
  if (error instanceof FabricStageError) return error.retryable;
  // Not a ledger stage (the database while recording, the twin): our side or time.
  const later: readonly string[] = ['LEDGER_UNAVAILABLE', 'CONFLICT', 'INTERNAL', 'NOT_READY'];
  return later.includes(toApiError(error).code);
}

/**
 * Two attempts at one operation may overlap (a BullMQ lock that lapsed while its holder
 * still ran, a sweep that enqueued an operation another gateway runs): every write is
 * fenced by the transaction the attempt acted on, so only the first envelope stored is
 * ever sent, and an outcome lands only on the transaction it belongs to. Overlapping
 * attempts then send the same envelope at most twice, which Fabric commits once.
 */
export async function runOperation(
  store: OperationStore,
  ledgers: LedgerDirectory,
  operationId: string,
  /** The row as its creator just stored it (a first attempt in process): not read again. */
  stored?: OperationRow,
): Promise<void> {
  sinceMark(operationId, 'picked');
  const op = stored ?? (await timeStage('loaded', () => store.get(operationId)));
  if (!op || op.state !== 'pending') return;
  const ledger = await ledgers(op.account_id);
  /** The transaction this attempt acts on: null until an envelope is stored. */
  let transactionId = op.envelope ? op.transaction_id : null;
  let sent: string;
  let status: TransactionStatus;
  try {
    if (op.envelope && transactionId) {
      sent = transactionId;
      status = await ledger.status(sent);
      if (status.state === 'unknown') status = await ledger.send(op.envelope);
    } else {
      const prepared = await timeStage('endorsed', () =>
        ledger.prepare(op.transaction, op.args, op.transient),
      );
      const stored = await timeStage('envelope', () =>
        store.recordPrepared(
          operationId,
          prepared.transactionId,
          prepared.envelope,
          prepared.result,
        ),
      );
      if (!stored) throw overtaken();
      transactionId = sent = prepared.transactionId;
      status = await ledger.send(prepared.envelope);
    }
  } catch (error) {
    if (error instanceof RetryLater) throw error;
    const apiError = toApiError(error);
    if (retryable(error))
      throw new RetryLater({ code: apiError.code, message: apiError.message }, { cause: error });
    // The chaincode refused (validation, state, permission): final, with its code, unless
    // another attempt stored an envelope meanwhile (it may be the one that made the state
    // this attempt was refused on): then that one's outcome decides.
    const failed = await store.fail(operationId, transactionId, {
      code: apiError.code,
      message: apiError.message,
      ...(apiError.reason ? { reason: apiError.reason } : {}),
    });
    if (!failed && (await store.get(operationId))?.state === 'pending') throw overtaken();
    return;
  }
  if (status.state === 'committed') {
    await timeStage('recorded', () => store.succeed(operationId, sent, status.blockNumber));
    markStage(operationId);
  } else if (status.state === 'invalid' && MVCC_CODES.includes(status.validationCode)) {
    await store.clearPrepared(operationId, sent);
    throw new RetryLater({ code: 'CONFLICT', message: 'the record changed meanwhile' });
  } else if (status.state === 'invalid') {
    await store.fail(operationId, sent, {
      code: 'TRANSACTION_INVALID',
      message: `the ledger did not commit the transaction (validation code ${status.validationCode})`,
    });
  } else {
    throw new RetryLater({
      code: 'LEDGER_UNAVAILABLE',
      message: 'the commit status is not known yet',
    });
  }
}

/** Another attempt at the operation stored its envelope first: follow that one. */
const overtaken = () =>
  new RetryLater({ code: 'OVERTAKEN', message: 'another attempt at the operation went first' });
