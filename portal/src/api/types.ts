/**
 * What the gateway answers, checked on arrival: the portal renders only what parsed. The
 * ledger's records (declarations, summaries, history, seal acts) are the domain's schemas;
 * the gateway's own shapes (principals, operations, seal lists) are checked against its
 * OpenAPI document in conformance.ts.
 */
import {
  CrossingSummarySchema,
  DeclarationRecordSchema,
  DeclarationSummarySchema,
  HistoryEntrySchema,
  SealAlarmSchema,
  SealCheckpointSchema,
  type DeclarationSummary,
} from '@clearance/domain';
import { z } from 'zod';
import type { paths } from '../../../gateway/openapi/api';

/** An officer act as the gateway's OpenAPI document declares its body. */
export type OfficerActBody =
  paths['/v1/declarations/{declarationId}/acts']['post']['requestBody']['content']['application/json'];

export const Principal = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('officer'),
    id: z.string(),
    mspId: z.string(),
    name: z.string(),
    role: z.string(),
    organisation: z.string().optional(),
  }),
  z.object({
    kind: z.literal('trader'),
    id: z.string(),
    subject: z.string(),
    issuer: z.string(),
    jurisdiction: z.enum(['GD', 'HK']),
    authorityId: z.string().optional(),
  }),
]);
export type Principal = z.infer<typeof Principal>;
export type OfficerPrincipal = Extract<Principal, { kind: 'officer' }>;

export const SignedIn = z.object({
  token: z.string(),
  expiresAt: z.string(),
  principal: Principal,
});
export const Challenge = z.object({
  challengeId: z.string(),
  challenge: z.base64(),
  expiresAt: z.string(),
});

export const Operation = z.object({
  operationId: z.string(),
  kind: z.string(),
  state: z.enum(['pending', 'succeeded', 'failed']),
  declarationId: z.string().optional(),
  transactionId: z.string().optional(),
  blockNumber: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Operation = z.infer<typeof Operation>;
export const OperationResponse = z.object({ operation: Operation });

/** Declaration records, summaries and history: the domain's one definition. */
export const Summary = DeclarationSummarySchema;
export type Summary = DeclarationSummary;
export const SummaryPage = z.object({ items: z.array(Summary), nextCursor: z.string().nullable() });

export const HistoryEntry = HistoryEntrySchema;
export type HistoryEntry = z.infer<typeof HistoryEntry>;
export const DeclarationRecord = DeclarationRecordSchema;
export type DeclarationRecord = z.infer<typeof DeclarationRecord>;

export const SealSummary = z.looseObject({
  sealId: z.string(),
  deviceId: z.string(),
  conveyance: z.string().nullable(),
  routeId: z.string().nullable(),
  declarationIds: z.array(z.string()),
  state: z.string(),
  /** Alarm kinds raised, in order. */
  alarms: z.array(z.string()),
  appliedAt: z.string().nullable(),
});
export type SealSummary = z.infer<typeof SealSummary>;
export const SealPage = z.object({ items: z.array(SealSummary) });

export const TrackPoint = z.looseObject({
  counter: z.number(),
  time: z.string(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  event: z.string(),
});
export type TrackPoint = z.infer<typeof TrackPoint>;
export const Track = z.looseObject({
  sealId: z.string(),
  routeId: z.string(),
  points: z.array(TrackPoint),
  alarms: z.array(SealAlarmSchema),
  checkpoints: z.array(SealCheckpointSchema),
});
export type Track = z.infer<typeof Track>;

/** Crossings as the index has them (the domain's one definition), in keyset pages. */
export const CrossingSummary = CrossingSummarySchema;
export type CrossingSummary = z.infer<typeof CrossingSummary>;
export const CrossingPage = z.object({
  items: z.array(CrossingSummary),
  nextCursor: z.string().nullable(),
});

/** Payload of a ledger event on the stream (declaration and seal events). */
export const LedgerEvent = z.looseObject({
  declarationId: z.string().optional(),
  sealId: z.string().optional(),
  state: z.string().optional(),
  onHold: z.boolean().optional(),
  action: z.string().optional(),
  kind: z.string().optional(),
  heldDeclarations: z.array(z.string()).optional(),
  /** A CLEARED inspection: the declarations whose hold it lifted. */
  unheldDeclarations: z.array(z.string()).optional(),
  /** Crossing events: every declaration the crossing checked. */
  declarationIds: z.array(z.string()).optional(),
  txId: z.string().optional(),
});
export type LedgerEvent = z.infer<typeof LedgerEvent>;
