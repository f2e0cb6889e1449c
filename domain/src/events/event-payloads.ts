/**
 * What each chaincode event carries, as zod schemas beside the event names: the chaincode
 * emits these shapes and the gateway's projection parses them, dispatching on the name.
 * Loose objects: a newer chaincode may add fields. Optional fields are absent from events
 * of older chaincode versions.
 */
import { z } from 'zod';
import { EVENTS, type EventName } from './events';
import { CROSSING_DECISIONS, INSPECTION_OUTCOMES } from '../crossings/crossing';
import { ACTIONS, STATES, type Action } from '../declarations/vocabulary';
import { JURISDICTIONS } from '../declarations/declaration';

export { EVENTS, type EventName };

/** The event each declaration act emits. */
export const DECLARATION_EVENT_OF: Readonly<Record<Action, EventName>> = {
  FILE: EVENTS.DeclarationFiled,
  AMEND: EVENTS.DeclarationAmended,
  ACCEPT: EVENTS.DeclarationAccepted,
  REJECT: EVENTS.DeclarationRejected,
  ASSESS_RISK: EVENTS.RiskAssessed,
  MARK_RELEASE_ELIGIBLE: EVENTS.ReleaseEligible,
  ORDER_INSPECTION: EVENTS.InspectionOrdered,
  RECORD_INSPECTION: EVENTS.InspectionRecorded,
  RELEASE: EVENTS.DeclarationReleased,
  CLOSE: EVENTS.DeclarationClosed,
  HOLD: EVENTS.DeclarationHeld,
  UNHOLD: EVENTS.DeclarationUnheld,
};
export const DECLARATION_EVENTS: readonly EventName[] = Object.values(DECLARATION_EVENT_OF);

/** Events that carry a seal's new state (SealAlarmRaised also carries the holds it made). */
export const SEAL_EVENTS: readonly EventName[] = [
  EVENTS.SealApplied,
  EVENTS.SealAlarmRaised,
  EVENTS.ReadingsAnchored,
  EVENTS.CheckpointVerified,
  EVENTS.SealRemoved,
];

export const DeclarationEventSchema = z.looseObject({
  declarationId: z.string(),
  version: z.number(),
  state: z.enum(STATES),
  onHold: z.boolean(),
  jurisdiction: z.string(),
  consignmentRef: z.string(),
  action: z.enum(ACTIONS),
  actor: z.looseObject({ mspId: z.string() }),
  at: z.string(),
  txId: z.string().optional(),
  /** Whose declaration it is (absent before the signer was added; `id` before signer ids). */
  signer: z
    .object({ subject: z.string(), issuer: z.string(), id: z.string().optional() })
    .optional(),
  /** A half of a dual filing: its submission (absent on single filings). */
  pair: z
    .looseObject({
      submissionId: z.string(),
      submissionVersion: z.number(),
      receivedIn: z.enum(JURISDICTIONS),
    })
    .optional(),
});
export type DeclarationEvent = z.infer<typeof DeclarationEventSchema>;

/** DualSubmissionAmended: a submission's new version, where only the other half changes. */
export const DualSubmissionEventSchema = z.looseObject({
  submissionId: z.string(),
  version: z.number(),
  receivedIn: z.enum(JURISDICTIONS),
  at: z.string(),
  txId: z.string(),
});
export type DualSubmissionEvent = z.infer<typeof DualSubmissionEventSchema>;

export const SealEventSchema = z.looseObject({
  sealId: z.string(),
  deviceId: z.string(),
  state: z.string(),
  txId: z.string().optional(),
  declarationIds: z.array(z.string()).optional(),
  routeId: z.string().optional(),
  conveyance: z.string().optional(),
  at: z.string().optional(),
  kind: z.string().optional(),
});
export type SealEvent = z.infer<typeof SealEventSchema>;

/** actor and at are absent from alarms recorded by the first chaincode version. */
export const SealAlarmEventSchema = SealEventSchema.extend({
  kind: z.string(),
  heldDeclarations: z.array(z.string()),
  actor: z.looseObject({ mspId: z.string() }).optional(),
});
export type SealAlarmEvent = z.infer<typeof SealAlarmEventSchema>;

/** A decision at a control point (conveyance and declarations as the seal had them). */
export const CrossingDecidedEventSchema = z.looseObject({
  crossingId: z.string(),
  sealId: z.string(),
  conveyance: z.string().optional(),
  controlPoint: z.string(),
  direction: z.string(),
  decision: z.enum(CROSSING_DECISIONS),
  reasons: z.array(z.string()),
  declarationIds: z.array(z.string()),
  at: z.string(),
  txId: z.string().optional(),
});
export type CrossingDecidedEvent = z.infer<typeof CrossingDecidedEventSchema>;

/**
 * The joint inspection's outcome; it names the declarations it held (HOLD) or unheld
 * (CLEARED), which get no events of their own.
 */
export const CrossingInspectionEventSchema = z.looseObject({
  crossingId: z.string(),
  sealId: z.string(),
  controlPoint: z.string(),
  outcome: z.enum(INSPECTION_OUTCOMES),
  reason: z.string(),
  /** The declarations the crossing checked (absent from the first chaincode version's). */
  declarationIds: z.array(z.string()).optional(),
  heldDeclarations: z.array(z.string()),
  /** CLEARED: the declarations it unheld (absent from events of older chaincode versions). */
  unheldDeclarations: z.array(z.string()).optional(),
  /** CLEARED: the seal's alarms it cleared (absent from events of older chaincode versions). */
  clearedAlarms: z.array(z.looseObject({ kind: z.string(), txId: z.string() })).optional(),
  actor: z.looseObject({ mspId: z.string() }),
  at: z.string(),
  txId: z.string().optional(),
});
export type CrossingInspectionEvent = z.infer<typeof CrossingInspectionEventSchema>;

export function isDeclarationEventName(name: string): boolean {
  return DECLARATION_EVENTS.some((e) => e === name);
}

export function isSealEventName(name: string): boolean {
  return SEAL_EVENTS.some((e) => e === name);
}
