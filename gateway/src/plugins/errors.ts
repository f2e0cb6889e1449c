import { LedgerError } from '@clearance/domain';
import { DatabaseError } from 'pg';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { FabricStageError } from '@clearance/fabric-client';
import { API_ERRORS, ApiError, toApiError as fromLedger } from '../errors';

/**
 * Any error as a catalog code (what the ledger port rejects with, a stage error of the
 * Fabric client or a LedgerError, and a domain check the gateway ran itself: by the one
 * mapping in errors.ts).
 */
function toApiError(error: FastifyError | ApiError | LedgerError | DatabaseError): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof FabricStageError || error instanceof LedgerError) return fromLedger(error);
  // A value from the request PostgreSQL cannot take (SQLSTATE class 22: out of range, not
  // valid text): the request's fault. Routes check what they pass; this is the backstop.
  if (error instanceof DatabaseError)
    return error.code?.startsWith('22')
      ? new ApiError('VALIDATION_FAILED', 'A value in the request is out of range or not valid.')
      : new ApiError('INTERNAL', undefined, { cause: error });
  return fromFastify(error);
}

/** Fastify's own errors (bad JSON, body too large, wrong content type) as catalog codes. */
function fromFastify(error: FastifyError): ApiError {
  if (error.statusCode === 413) return new ApiError('PAYLOAD_TOO_LARGE');
  if (error.statusCode === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE');
  if (error.statusCode === 429) return new ApiError('RATE_LIMITED');
  if (error.validation || (error.statusCode !== undefined && error.statusCode < 500)) {
    return new ApiError('VALIDATION_FAILED', error.message);
  }
  return new ApiError('INTERNAL', undefined, { cause: error });
}

/** The one error handler: coded bodies, no stack traces or internals on a 5xx. */
export default fp(
  async (app) => {
    app.setErrorHandler(
      (error: FastifyError | ApiError | LedgerError | DatabaseError, request, reply) => {
        const apiError = toApiError(error);
        const internal = apiError.status >= 500;
        if (internal) request.log.error({ err: error }, 'request failed');
        // Refused for load, not for what was asked: the same request may succeed shortly.
        if (
          (apiError.code === 'BUSY' || apiError.code === 'RATE_LIMITED') &&
          !reply.hasHeader('retry-after')
        )
          void reply.header('retry-after', '1');
        return reply.status(apiError.status).send({
          error: {
            code: apiError.code,
            message: internal ? API_ERRORS[apiError.code].message : apiError.message,
            ...(apiError.transactionId ? { transactionId: apiError.transactionId } : {}),
            ...(apiError.reason && !internal ? { reason: apiError.reason } : {}),
          },
        });
      },
    );
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}.` },
      }),
    );
  },
  { name: 'errors' },
);
