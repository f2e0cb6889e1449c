/**
 * The words of the declaration life cycle that every subject uses: states, acts, roles,
 * jurisdictions, who acted, and the ranges of an officer's inputs. The records (records.ts)
 * and the rules (lifecycle.ts) both build on these; neither is needed to name them.
 */
import { z } from 'zod';
import type { Declaration } from './declaration';

export const STATES = [
  'SUBMITTED',
  'ACCEPTED',
  'REJECTED',
  'RISK_ASSESSED',
  'RELEASE_ELIGIBLE',
  'INSPECTION_ORDERED',
  'INSPECTED',
  'RELEASED',
  'CLOSED',
] as const;
export type State = (typeof STATES)[number];

export const ACTIONS = [
  'FILE',
  'AMEND',
  'ACCEPT',
  'REJECT',
  'ASSESS_RISK',
  'MARK_RELEASE_ELIGIBLE',
  'ORDER_INSPECTION',
  'RECORD_INSPECTION',
  'RELEASE',
  'CLOSE',
  'HOLD',
  'UNHOLD',
] as const;
export type Action = (typeof ACTIONS)[number];
export type Jurisdiction = Declaration['jurisdiction'];

export const ROLES = [
  'customs-officer',
  'ciq-officer',
  'filing-agent',
  'trust-admin',
  'seal-operator',
] as const;
export type Role = (typeof ROLES)[number];

export const ActorSchema = z.object({
  mspId: z.string(),
  id: z.string(),
  role: z.string().optional(),
});
export type Actor = z.infer<typeof ActorSchema>;

export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
/** A risk score is an integer in this range, inclusive. */
export const RISK_SCORE = { min: 0, max: 100 } as const;
export const INSPECTION_RESULTS = ['COMPLIANT', 'NON_COMPLIANT'] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];
/** The longest reason an officer may give, and the longest inspection findings. */
export const REASON_MAX = 512;
export const FINDINGS_MAX = 4096;

/** The acts officers take on a filed declaration (traders FILE and AMEND). */
export type OfficerAction = Exclude<Action, 'FILE' | 'AMEND'>;
export const OFFICER_ACTIONS: readonly OfficerAction[] = ACTIONS.filter(
  (a): a is OfficerAction => a !== 'FILE' && a !== 'AMEND',
);

/**
 * One rule for every path that changes a declaration. A declaration changes through its
 * own acts (the Declaration contract: DIRECT) and through the holds and unholds other acts
 * make: a seal's alarm holds what the seal covers (SEAL_ALARM); a crossing's inspection
 * outcome holds it (HOLD) or lifts the holds cleared alarms alone made (CLEARED)
 * (CROSSING_OUTCOME). Every path asks the allow table: a direct act its row of `actions`;
 * another path the HOLD or UNHOLD row plus the grants `paths` adds for that path (an
 * accredited seal's alarm holds, though its operator may not hold directly). A direct act
 * the table refuses is FORBIDDEN; another path leaves a declaration its caller may not
 * change so as it is, and changes the others.
 */
export const CHANGE_PATHS = ['DIRECT', 'SEAL_ALARM', 'CROSSING_OUTCOME'] as const;
export type ChangePath = (typeof CHANGE_PATHS)[number];
export type IndirectPath = Exclude<ChangePath, 'DIRECT'>;
