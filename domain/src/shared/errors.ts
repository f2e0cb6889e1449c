/**
 * Coded errors raised by the contracts. The message that crosses the wire is JSON
 * `{"code","message"}`, so clients map the code without parsing prose.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FORBIDDEN',
  'CONFLICT',
  'INVALID_STATE',
  'SIGNATURE_INVALID',
  'CERTIFICATE_REJECTED',
  'REPLAYED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class LedgerError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    /** A finer machine-readable reason within the code (the e-signature checks give one). */
    readonly reason?: string,
  ) {
    super(JSON.stringify(reason ? { code, message: detail, reason } : { code, message: detail }));
    this.name = 'LedgerError';
  }
}

/** Finds a coded ledger error inside a message that may carry a prefix added by the peer. */
export function parseLedgerError(
  text: string,
): { code: ErrorCode; message: string; reason?: string } | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    try {
      const parsed = JSON.parse(text.slice(start)) as {
        code?: unknown;
        message?: unknown;
        reason?: unknown;
      };
      if (
        typeof parsed.code === 'string' &&
        (ERROR_CODES as readonly string[]).includes(parsed.code) &&
        typeof parsed.message === 'string'
      ) {
        const { reason } = parsed;
        return {
          code: parsed.code as ErrorCode,
          message: parsed.message,
          ...(typeof reason === 'string' ? { reason } : {}),
        };
      }
    } catch {
      // not JSON from here on: try the next brace
    }
  }
  return undefined;
}
