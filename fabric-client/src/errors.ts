/**
 * One error class per stage of the Fabric client (fabric-gateway's habit): each carries its
 * stage, a code, the transaction id, the endpoint concerned where one is, the cause, and
 * whether trying again later may succeed (`retryable`). They know nothing of HTTP: the
 * gateway maps them to its API codes in one place.
 */
import type { ErrorCode as ChaincodeErrorCode } from '@clearance/domain';

/** Fabric's validation codes for a read set that changed before commit: worth a new try. */
export const MVCC_CODES: readonly number[] = [11, 12]; // MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT

/** Where a call failed: endorsing, ordering, learning the commit, the commit itself, a read. */
export type FabricStage = 'endorse' | 'submit' | 'commit-status' | 'commit' | 'read';

/**
 * What went wrong: a refusal the chaincode coded (its own code, e.g. NOT_FOUND), or one of
 * the client's.
 */
export type FabricErrorCode =
  | ChaincodeErrorCode
  /** A peer refused without a code of the chaincode (it could not run it: down, launching). */
  | 'ENDORSEMENT_REFUSED'
  /** The peers endorsed with different results (their states or chaincodes disagree). */
  | 'ENDORSEMENTS_DIFFER'
  /** The orderer cannot take transactions now (SERVICE_UNAVAILABLE: no Raft leader, say). */
  | 'ORDERER_BUSY'
  /** The orderer refused the envelope (any other status). */
  | 'ORDERER_REFUSED'
  /** Committed invalid because what it read changed meanwhile (MVCC_CODES). */
  | 'MVCC_CONFLICT'
  /** Committed invalid for another reason (policy, signature...). */
  | 'TRANSACTION_INVALID'
  /** No endpoint answered in time, or the commit was not seen in time. */
  | 'UNAVAILABLE';

/** One peer's answer to a proposal that did not give an endorsement. */
export interface PeerAnswer {
  endpoint: string;
  mspId: string;
  /** The proposal response status (e.g. 500) or, for a failed call, the gRPC status code. */
  status: number;
  message: string;
  /** True when the call itself failed (unreachable, deadline), false for a peer's refusal. */
  transport: boolean;
  /** True when no call was made: the endpoint is named down (a probe brings it back). */
  skipped?: boolean;
}

interface StageOptions {
  transactionId?: string;
  cause?: unknown;
}

export abstract class FabricStageError extends Error {
  abstract readonly stage: FabricStage;
  abstract readonly code: FabricErrorCode;
  /** Whether the same request may succeed later (time cures it), by the stage's own facts. */
  abstract readonly retryable: boolean;
  readonly transactionId: string | undefined;
  constructor(message: string, options: StageOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.transactionId = options.transactionId;
  }
  /** The endpoint whose answer (or silence) this is, where one is known. */
  abstract get endpoint(): string | undefined;
}

/** The first endpoint among answers that was really asked. */
const firstAsked = (answers: readonly PeerAnswer[]): string | undefined =>
  (answers.find((a) => !a.skipped) ?? answers[0])?.endpoint;

/**
 * Endorsement (or, at the `read` stage, an evaluation) failed: refused by a peer (a
 * chaincode error, a policy) or the results disagreed.
 */
export class EndorseError extends FabricStageError {
  override readonly name = 'EndorseError';
  readonly stage: 'endorse' | 'read';
  readonly code: FabricErrorCode;
  /** The chaincode's coded error (and its finer reason), when a peer's answer carries one. */
  readonly chaincodeError:
    { code: ChaincodeErrorCode; message: string; reason?: string } | undefined;
  /** The chaincode's finer reason for a refusal, when it gave one. */
  readonly reason: string | undefined;
  /** The peers endorsed, with results that differ (their states or chaincodes disagree). */
  readonly disagreement: boolean;
  constructor(
    message: string,
    readonly answers: readonly PeerAnswer[],
    options: StageOptions & {
      chaincodeError?: { code: ChaincodeErrorCode; message: string; reason?: string };
      disagreement?: boolean;
      stage?: 'endorse' | 'read';
    },
  ) {
    super(message, options);
    this.stage = options.stage ?? 'endorse';
    this.chaincodeError = options.chaincodeError;
    this.reason = options.chaincodeError?.reason;
    this.disagreement = options.disagreement ?? false;
    this.code =
      this.chaincodeError?.code ??
      (this.disagreement ? 'ENDORSEMENTS_DIFFER' : 'ENDORSEMENT_REFUSED');
  }
  /** A refusal coded by the chaincode is its answer; peers that disagree or are catching up, time may cure. */
  get retryable(): boolean {
    return this.chaincodeError === undefined;
  }
  get endpoint(): string | undefined {
    return (this.answers.find((a) => !a.transport) ?? this.answers[0])?.endpoint;
  }
}

/** The orderer refused the transaction (a status other than SUCCESS). */
export class SubmitError extends FabricStageError {
  override readonly name = 'SubmitError';
  readonly stage = 'submit';
  constructor(
    message: string,
    private readonly orderer: string,
    /** common.Status of the BroadcastResponse. */
    readonly status: number,
    options: StageOptions,
  ) {
    super(message, options);
  }
  /** SERVICE_UNAVAILABLE (503): this orderer cannot take it now; another try may. */
  get code(): FabricErrorCode {
    return this.status === 503 ? 'ORDERER_BUSY' : 'ORDERER_REFUSED';
  }
  get retryable(): boolean {
    return this.status === 503;
  }
  get endpoint(): string {
    return this.orderer;
  }
}

/** The transaction was committed invalid. */
export class CommitError extends FabricStageError {
  override readonly name = 'CommitError';
  readonly stage = 'commit';
  constructor(
    readonly validationCode: number,
    readonly blockNumber: bigint,
    options: StageOptions & { transactionId: string },
  ) {
    super(
      `transaction ${options.transactionId} invalid (validation code ${validationCode})`,
      options,
    );
  }
  get code(): FabricErrorCode {
    return MVCC_CODES.includes(this.validationCode) ? 'MVCC_CONFLICT' : 'TRANSACTION_INVALID';
  }
  /** An MVCC conflict wrote nothing: endorsed again, it may pass. */
  get retryable(): boolean {
    return MVCC_CODES.includes(this.validationCode);
  }
  get endpoint(): undefined {
    return undefined;
  }
}

/**
 * No endpoint answered (all unreachable or timed out), or the answer did not come in
 * time: at any stage (`commit-status` when the commit was not seen in time).
 */
export class LedgerUnavailableError extends FabricStageError {
  override readonly name = 'LedgerUnavailableError';
  readonly code = 'UNAVAILABLE';
  readonly retryable = true;
  readonly stage: FabricStage;
  constructor(
    message: string,
    readonly answers: readonly PeerAnswer[],
    options: StageOptions & { stage?: FabricStage },
  ) {
    super(message, options);
    this.stage = options.stage ?? 'read';
  }
  get endpoint(): string | undefined {
    return firstAsked(this.answers);
  }
}
