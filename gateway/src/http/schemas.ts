/** Schemas shared by routes; each named one becomes a component of the OpenAPI document. */
import { z } from 'zod';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'A code from the gateway error catalog' }),
      message: z.string(),
      transactionId: z.string().optional(),
      reason: z
        .string()
        .optional()
        .meta({ description: 'Why a signature or certificate was refused (esign reasons)' }),
    }),
  })
  .meta({ id: 'Error' });

/** The error responses every authenticated route may give. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
  503: ErrorBody,
} as const;

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, "_" or "-" (a UUID will do)')
    .optional()
    .meta({ description: 'Required: a retry with the same key returns the first outcome' }),
  prefer: z
    .string()
    .regex(/^wait=\d{1,2}$/)
    .optional()
    .meta({ description: '`wait=N`: answer when the operation ends, waiting up to N s' }),
});

export const Operation = z
  .object({
    operationId: z.uuid(),
    kind: z.string(),
    state: z.enum(['pending', 'succeeded', 'failed']),
    declarationId: z.string().optional(),
    transactionId: z.string().optional(),
    blockNumber: z.string().optional(),
    result: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Operation' });
export type Operation = z.infer<typeof Operation>;

export const OperationResponse = z.object({ operation: Operation });
