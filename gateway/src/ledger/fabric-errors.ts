/**
 * One error class per stage of the Fabric client, each with the transaction id and the
 * cause. They know nothing of HTTP: gateway/src/errors.ts maps them to API codes.
 */
import type { ErrorCode } from '@clearance/domain';

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
  readonly transactionId: string | undefined;
  constructor(message: string, options: StageOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.transactionId = options.transactionId;
  }
}

/** Endorsement failed: refused by a peer (chaincode error, policy) or results disagreed. */
export class EndorseError extends FabricStageError {
  override readonly name = 'EndorseError';
  constructor(
    message: string,
    readonly answers: readonly PeerAnswer[],
    options: StageOptions & {
      /** The chaincode's coded error (and its finer reason), when a peer's answer carries one. */
      chaincodeError?: { code: ErrorCode; message: string; reason?: string };
      /** The peers endorsed, with results that differ (their states or chaincodes disagree). */
      disagreement?: boolean;
    },
  ) {
    super(message, options);
    this.chaincodeError = options.chaincodeError;
    this.disagreement = options.disagreement ?? false;
  }
  readonly chaincodeError: { code: ErrorCode; message: string; reason?: string } | undefined;
  readonly disagreement: boolean;
}

/** The orderer refused the transaction (a status other than SUCCESS). */
export class SubmitError extends FabricStageError {
  override readonly name = 'SubmitError';
  constructor(
    message: string,
    readonly endpoint: string,
    /** common.Status of the BroadcastResponse. */
    readonly status: number,
    options: StageOptions,
  ) {
    super(message, options);
  }
}

/** The transaction was committed invalid. */
export class CommitError extends FabricStageError {
  override readonly name = 'CommitError';
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
}

/** No endpoint answered (all unreachable or timed out), or the answer did not come in time. */
export class LedgerUnavailableError extends FabricStageError {
  override readonly name = 'LedgerUnavailableError';
  constructor(
    message: string,
    readonly answers: readonly PeerAnswer[],
    options: StageOptions,
  ) {
    super(message, options);
  }
}
