/**
 * One catalog of API error codes: HTTP status and the message users see. Routes throw
 * ApiError; the global handler renders `{ error: { code, message } }` and never leaks
 * internals on a 5xx.
 */
import {
  isRefusalReason,
  LedgerError,
  type ErrorCode as LedgerErrorCode,
  type RefusalReason,
} from '@clearance/domain';
import {
  CommitError,
  EndorseError,
  FabricStageError,
  type FabricErrorCode,
} from '@clearance/fabric-client';

export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first (or again).' },
  IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    message: 'Send an Idempotency-Key header (a UUID) so a retry cannot act twice.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'This Idempotency-Key was used for a different request.',
  },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down and try again.' },
  INVALID_ARGUMENT: { status: 400, message: 'The ledger refused an argument.' },
  FORBIDDEN: { status: 403, message: 'You may not do this.' },
  WRONG_GATEWAY: {
    status: 403,
    message: "This is another organisation's gateway: use your own organisation's.",
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json.' },
  NOT_FOUND: { status: 404, message: 'No such record.' },
  LINK_REVOKED: { status: 410, message: 'Whoever shared this link has revoked it.' },
  NOT_RELEASED: { status: 409, message: 'The declaration is not released yet.' },
  LINK_LIMIT: { status: 409, message: 'Too many live links; revoke one first.' },
  ALREADY_EXISTS: { status: 409, message: 'A record with this id already exists.' },
  CONFLICT: { status: 409, message: 'The record changed meanwhile; try again.' },
  INVALID_STATE: { status: 409, message: 'The record is not in a state that allows this.' },
  SIGNATURE_INVALID: { status: 422, message: 'The e-signature does not verify.' },
  CERTIFICATE_REJECTED: { status: 422, message: 'The signing certificate is not accepted.' },
  REPLAYED: {
    status: 409,
    message: 'This was already recorded (counter not larger than the last).',
  },
  TRANSACTION_INVALID: { status: 409, message: 'The ledger did not commit the transaction.' },
  LEDGER_UNAVAILABLE: { status: 503, message: 'The ledger cannot be reached right now.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  NOT_READY: { status: 503, message: 'A service the gateway needs is not reachable.' },
  BUSY: { status: 503, message: 'The gateway is busy; try again in a moment.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Whether a stored code (an operation's error) is one of the catalog's. */
export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(API_ERRORS, code);
}

/** Every code the chaincode raises maps to one here (the compiler checks coverage). */
export const LEDGER_TO_API: Readonly<Record<LedgerErrorCode, ApiErrorCode>> = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  INVALID_STATE: 'INVALID_STATE',
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  CERTIFICATE_REJECTED: 'CERTIFICATE_REJECTED',
  REPLAYED: 'REPLAYED',
};

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly detail?: string,
    options?: {
      cause?: unknown;
      transactionId?: string;
      reason?: string | undefined;
    },
  ) {
    super(detail ?? API_ERRORS[code].message, options);
    this.name = 'ApiError';
    this.transactionId = options?.transactionId;
    // A reason this gateway does not know (a newer chaincode's) is left out, not passed on.
    this.reason = isRefusalReason(options?.reason) ? options.reason : undefined;
  }

  readonly transactionId: string | undefined;
  /** The chaincode's finer reason for a refusal (REFUSAL_REASONS), when it gave one. */
  readonly reason: RefusalReason | undefined;

  get status(): number {
    return API_ERRORS[this.code].status;
  }
}

/** The Fabric client's own codes (those that are not the chaincode's) as API codes. */
const CLIENT_TO_API: Readonly<Record<Exclude<FabricErrorCode, LedgerErrorCode>, ApiErrorCode>> = {
  // Refused without a code of our chaincode (which codes every refusal of its own): the
  // peers could not run it (the chaincode server down, being launched). Time cures that.
  ENDORSEMENT_REFUSED: 'LEDGER_UNAVAILABLE',
  ENDORSEMENTS_DIFFER: 'INTERNAL',
  // common.Status SERVICE_UNAVAILABLE (503): no leader yet, the orderer is catching up.
  ORDERER_BUSY: 'LEDGER_UNAVAILABLE',
  ORDERER_REFUSED: 'INTERNAL',
  MVCC_CONFLICT: 'CONFLICT',
  TRANSACTION_INVALID: 'TRANSACTION_INVALID',
  UNAVAILABLE: 'LEDGER_UNAVAILABLE',
};

const isLedgerCode = (code: FabricErrorCode): code is LedgerErrorCode => code in LEDGER_TO_API;

/**
 * The one place where what the ledger port rejects with becomes an API error, by its code
 * (the ApiError keeps it as its cause, for the logs): a refusal coded by the chaincode (the
 * Fabric client's EndorseError, the twin's LedgerError) keeps its code and reason; an
 * invalid commit is TRANSACTION_INVALID (CONFLICT for MVCC); nothing answering, or an
 * orderer that cannot take it now, is LEDGER_UNAVAILABLE; anything else is INTERNAL. Called
 * at the edges that answer: the errors plugin (HTTP) and the operations runner (an
 * operation's stored error); nothing reads `cause` back.
 */
export function toApiError(error: unknown, transactionId?: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof LedgerError)
    return new ApiError(LEDGER_TO_API[error.code], error.detail, {
      cause: error,
      reason: error.reason,
      ...(transactionId ? { transactionId } : {}),
    });
  if (!(error instanceof FabricStageError))
    return new ApiError('INTERNAL', undefined, {
      cause: error,
      ...(transactionId ? { transactionId } : {}),
    });
  const txId = error.transactionId ?? transactionId;
  const options = { cause: error, ...(txId ? { transactionId: txId } : {}) };
  const { code } = error;
  if (isLedgerCode(code)) {
    // A refusal of the chaincode (an EndorseError): its message, and its reason if any.
    const reason = error instanceof EndorseError ? error.reason : undefined;
    return new ApiError(LEDGER_TO_API[code], error.message, { ...options, reason });
  }
  const detail =
    error instanceof CommitError && code === 'TRANSACTION_INVALID'
      ? `validation code ${error.validationCode}`
      : undefined;
  return new ApiError(CLIENT_TO_API[code], detail, options);
}

/**
 * A submission a route makes itself (not an operation, which the worker retries) that the
 * ledger invalidated for an MVCC conflict wrote nothing, so it is endorsed and sent again,
 * up to `attempts` times in all. A seal's checkpoint tap and crossing decision race the
 * anchoring of its readings (both write the seal record): without this, a lane tap while
 * the truck's readings stream in was refused CONFLICT. Any other error is thrown at once.
 */
export async function againOnConflict<T>(submit: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await submit();
    } catch (error) {
      const mvcc = error instanceof FabricStageError && error.code === 'MVCC_CONFLICT';
      if (!mvcc || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** The API's error body, `{ error: { code, message } }`, for a code and an optional detail. */
export function errorBody(
  code: ApiErrorCode,
  message: string = API_ERRORS[code].message,
): { error: { code: ApiErrorCode; message: string } } {
  return { error: { code, message } };
}
