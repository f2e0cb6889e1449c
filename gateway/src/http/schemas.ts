/** Schemas shared by routes; each named one becomes a component of the OpenAPI document. */
import { REFUSAL_REASONS } from '@clearance/domain';
import { z } from 'zod';

/** The ledger's finer reason for a refusal, beside its code. */
export const RefusalReasonSchema = z.enum(REFUSAL_REASONS).meta({
  id: 'RefusalReason',
  description:
    'Why the ledger refused, finer than the code: the control point (UNKNOWN_CONTROL_POINT, ' +
    'NOT_ON_ROUTE, CONTROL_POINT_OF_OTHER_SIDE), a tap a crossing already used ' +
    '(TAP_ALREADY_USED), and each e-signature check (the CMS with code SIGNATURE_INVALID; ' +
    "certificates, paths and CRLs with CERTIFICATE_REJECTED; see the chaincode's " +
    'esign/PROFILE.md). Absent when the refusal has no finer reason.',
});

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'A code from the gateway error catalog' }),
      message: z.string(),
      reason: RefusalReasonSchema.optional(),
      transactionId: z.string().optional(),
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
    error: z
      .object({ code: z.string(), message: z.string(), reason: RefusalReasonSchema.optional() })
      .optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Operation' });
export type Operation = z.infer<typeof Operation>;

export const OperationResponse = z.object({ operation: Operation });
