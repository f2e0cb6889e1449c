/**
 * Schemas shared by routes; each named one becomes a component of the OpenAPI document.
 * The one definition of the gateway's own records (operations, seal lists and tracks,
 * sign-ins): routes answer with them, the index queries return their types, and the portal
 * checks answers with them (this module imports only zod and the domain, so it bundles).
 */
import {
  REFUSAL_REASONS,
  SealAlarmSchema,
  SealCheckpointSchema,
  SealRecordSchema,
} from '@clearance/domain';
import { z } from 'zod';
import { Principal } from '../auth/principal';

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

/** Why an operation failed: an API code, its message, and the ledger's finer reason if any. */
export const OperationError = z.object({
  code: z.string(),
  message: z.string(),
  reason: RefusalReasonSchema.optional(),
});
export type OperationError = z.infer<typeof OperationError>;

export const Operation = z
  .object({
    operationId: z.uuid(),
    kind: z.string(),
    state: z.enum(['pending', 'succeeded', 'failed']),
    declarationId: z.string().optional(),
    transactionId: z.string().optional(),
    blockNumber: z.string().optional(),
    result: z.unknown().optional(),
    error: OperationError.optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Operation' });
export type Operation = z.infer<typeof Operation>;

export const OperationResponse = z.object({ operation: Operation });

/** A seal as the index lists it. */
export const SealSummary = z
  .object({
    sealId: z.string(),
    deviceId: z.string(),
    state: z.string(),
    declarationIds: z.array(z.string()),
    routeId: z.string().nullable(),
    conveyance: z.string().nullable(),
    appliedAt: z.string().nullable(),
    alarms: z.array(z.string()).meta({ description: 'Alarm kinds raised' }),
    lastEvent: z.string(),
    blockNumber: z.string(),
  })
  .meta({ id: 'SealSummary' });
export type SealSummary = z.infer<typeof SealSummary>;
export const SealPage = z.object({
  items: z.array(SealSummary),
  nextCursor: z.string().nullable(),
});

/** One reading of a seal's track, as the index stores it. */
export const TrackPoint = z
  .object({
    counter: z.number().int(),
    time: z.string(),
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    event: z.string(),
    controlPoint: z.string().optional(),
    anchored: z.boolean(),
  })
  .meta({ id: 'TrackPoint' });
export type TrackPoint = z.infer<typeof TrackPoint>;

export const SealView = z
  .object({
    seal: SealRecordSchema,
    lastReading: TrackPoint.nullable(),
    readingsStored: z.number().int(),
    readingsPendingAnchor: z.number().int(),
  })
  .meta({ id: 'SealView' });

export const SealTrack = z
  .object({
    sealId: z.string(),
    routeId: z.string(),
    points: z.array(TrackPoint),
    nextAfter: z.number().int().nullable(),
    checkpoints: z.array(SealCheckpointSchema),
    alarms: z.array(SealAlarmSchema),
  })
  .meta({ id: 'SealTrack' });
export type SealTrack = z.infer<typeof SealTrack>;

/** A session: its bearer token, when it ends, and who it is. */
export const SignedIn = z
  .object({ token: z.string(), expiresAt: z.string(), principal: Principal })
  .meta({ id: 'SignedIn' });

/** What a trader signs to sign in. */
export const Challenge = z.object({
  challengeId: z.uuid(),
  challenge: z.string(),
  expiresAt: z.string(),
});
