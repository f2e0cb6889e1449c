/**
 * The crossing record as the Crossing contract returns it, as a zod schema (loose, like
 * records.ts): the gateway parses ledger results with it and derives its OpenAPI from it.
 * The compile-time check below keeps it in step with the contract's CrossingRecord.
 */
import { z } from 'zod';
import {
  CROSSING_DECISIONS,
  CROSSING_DIRECTIONS,
  CROSSING_REASONS,
  INSPECTION_OUTCOMES,
  type CrossingRecord,
} from './crossing';
import { JURISDICTIONS, TRADE_DIRECTIONS } from '../declarations/declaration';
import { ActorSchema } from '../declarations/vocabulary';
import { ALARM_KINDS } from '../seals/seal';

const CrossingActSchema = z.looseObject({
  action: z.enum(['DECIDE', 'RECORD_OUTCOME']),
  actor: ActorSchema,
  at: z.string(),
  txId: z.string(),
});

export const CrossingReasonSchema = z.enum(CROSSING_REASONS).meta({ id: 'CrossingReason' });

export const CrossingRecordSchema = z
  .looseObject({
    crossingId: z.string(),
    sealId: z.string(),
    controlPoint: z.string(),
    direction: z.enum(CROSSING_DIRECTIONS),
    decision: z.enum(CROSSING_DECISIONS),
    reasons: z.array(CrossingReasonSchema),
    tap: z.object({ counter: z.number(), at: z.string(), txId: z.string() }).nullable(),
    anchoredToCounter: z.number(),
    /** The alarms not cleared when decided, which a CLEARED outcome settles (absent on older records). */
    alarms: z
      .array(z.looseObject({ kind: z.enum(ALARM_KINDS), txId: z.string(), at: z.string() }))
      .optional(),
    declarations: z.array(
      z.looseObject({
        declarationId: z.string(),
        jurisdiction: z.enum(JURISDICTIONS),
        direction: z.enum(TRADE_DIRECTIONS),
        state: z.string(),
        onHold: z.boolean(),
        reasons: z.array(CrossingReasonSchema),
      }),
    ),
    draw: z.object({
      value: z.number(),
      rate: z.number(),
      selected: z.boolean(),
      inputs: z.array(z.string()),
    }),
    decided: CrossingActSchema,
    inspection: z
      .object({
        status: z.enum(['OPEN', ...INSPECTION_OUTCOMES]),
        outcome: CrossingActSchema.extend({
          reason: z.string(),
          heldDeclarations: z.array(z.string()),
          /** CLEARED: the declarations it unheld (absent on older records). */
          unheldDeclarations: z.array(z.string()).optional(),
          /** CLEARED: the alarms of the seal it cleared (absent on older records). */
          clearedAlarms: z
            .array(z.looseObject({ kind: z.enum(ALARM_KINDS), txId: z.string() }))
            .optional(),
        }).nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'CrossingRecord' });

/**
 * A crossing as the index keeps it (from CrossingDecided and CrossingInspectionRecorded):
 * what lists, the lane view and a trader's declaration page show.
 */
export const CrossingSummarySchema = z
  .object({
    crossingId: z.string(),
    sealId: z.string(),
    conveyance: z.string().nullable(),
    controlPoint: z.string(),
    direction: z.enum(CROSSING_DIRECTIONS),
    decision: z.enum(CROSSING_DECISIONS),
    reasons: z.array(CrossingReasonSchema),
    declarationIds: z.array(z.string()),
    /** When it was decided (the transaction time). */
    at: z.string(),
    /** For INSPECT: the joint inspection, OPEN until its outcome is recorded; null for GO. */
    inspection: z.enum(['OPEN', ...INSPECTION_OUTCOMES]).nullable(),
    outcomeReason: z.string().nullable(),
    outcomeAt: z.string().nullable(),
    transactionId: z.string(),
    blockNumber: z.string(),
  })
  .meta({ id: 'CrossingSummary' });
export type CrossingSummary = z.infer<typeof CrossingSummarySchema>;

/** Fails to compile when the contract's record and this schema drift apart. */
export const crossingRecordMatches = (r: CrossingRecord): z.input<typeof CrossingRecordSchema> => r;
