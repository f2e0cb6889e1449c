/**
 * Calls to the gateway (same origin; the session cookie does the signing in). Failures
 * become ApiFailure with the gateway's error code, or NETWORK when nothing answered.
 */
import { z } from 'zod';
import { OperationResponse, type Operation } from './types';

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly transactionId?: string,
    /** The ledger's finer reason for a refusal (e.g. NOT_RECOGNISED_FOR_HK), when it gave one. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

let onUnauthenticated: () => void = () => undefined;
/** Called when the gateway says the session is gone (expired, signed out elsewhere). */
export function whenSignedOut(handler: () => void): void {
  onUnauthenticated = handler;
}

interface Options {
  body?: unknown;
  headers?: Record<string, string>;
}

async function send(method: string, path: string, options: Options = {}): Promise<Response> {
  try {
    return await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch (error) {
    throw new ApiFailure('NETWORK', error instanceof Error ? error.message : String(error));
  }
}

/** An error answer, read leniently: what is missing or odd falls back below. */
const FailureBody = z.object({
  error: z
    .object({
      code: z.unknown(),
      message: z.unknown(),
      transactionId: z.unknown(),
      reason: z.unknown(),
    })
    .partial(),
});

async function failure(response: Response): Promise<ApiFailure> {
  const body = FailureBody.safeParse(await response.json().catch(() => undefined));
  const e = body.data?.error;
  const code = typeof e?.code === 'string' ? e.code : response.status >= 500 ? 'INTERNAL' : 'HTTP';
  const message = typeof e?.message === 'string' ? e.message : `HTTP ${response.status}`;
  const tx = typeof e?.transactionId === 'string' ? e.transactionId : undefined;
  const reason = typeof e?.reason === 'string' ? e.reason : undefined;
  return new ApiFailure(code, message, response.status, tx, reason);
}

/** A JSON call whose answer must match `schema`. */
export async function call<S extends z.ZodType>(
  schema: S,
  method: string,
  path: string,
  options?: Options,
): Promise<z.infer<S>> {
  const response = await send(method, path, options);
  if (!response.ok) {
    const error = await failure(response);
    if (error.code === 'UNAUTHENTICATED' && !path.startsWith('/v1/auth/')) onUnauthenticated();
    throw error;
  }
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success)
    throw new ApiFailure('BAD_RESPONSE', `unexpected answer from ${method} ${path}`);
  return parsed.data;
}

export async function callNoContent(method: string, path: string): Promise<void> {
  const response = await send(method, path);
  if (!response.ok && response.status !== 401) throw await failure(response);
}

export const newIdempotencyKey = (): string => globalThis.crypto.randomUUID();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Submits an act that the gateway runs as an operation, and waits for its end. The
 * idempotency key belongs to this exact request: a retry with it cannot act twice.
 */
export async function submitOperation(
  path: string,
  body: unknown,
  idempotencyKey: string,
  timeoutMs = 90_000,
): Promise<Operation> {
  let { operation } = await call(OperationResponse, 'POST', path, {
    body,
    headers: { 'idempotency-key': idempotencyKey, prefer: 'wait=30' },
  });
  const deadline = Date.now() + timeoutMs;
  while (operation.state === 'pending' && Date.now() < deadline) {
    await sleep(1000);
    operation = (await call(OperationResponse, 'GET', `/v1/operations/${operation.operationId}`))
      .operation;
  }
  if (operation.state === 'failed') {
    throw new ApiFailure(
      operation.error?.code ?? 'INTERNAL',
      operation.error?.message ?? 'the operation failed',
      0,
      operation.transactionId,
      operation.error?.reason,
    );
  }
  if (operation.state === 'pending')
    throw new ApiFailure('STILL_PENDING', `operation ${operation.operationId} is still running`);
  return operation;
}
