/**
 * The declaration life cycle, as a pure function of (record, act) → record. "One
 * declaration, one inspection, one release": one filing for customs and inspection
 * together, one joint inspection both agencies sign off, one release both must give.
 */
import policy from '../shared/access-policy.json';
import { LedgerError } from '../shared/errors';
import type { z } from 'zod';
import type { Declaration } from './declaration';
import type {
  ActRecordSchema,
  DeclarationRecordSchema,
  HoldCauseSchema,
  SignOffSchema,
  SignatureEvidenceSchema,
} from './records';
import {
  OFFICER_ACTIONS,
  RISK_LEVELS,
  RISK_SCORE,
  STATES,
  type Action,
  type Actor,
  type ChangePath,
  type IndirectPath,
  type InspectionResult,
  type Jurisdiction,
  type OfficerAction,
  type RiskLevel,
  type State,
} from './vocabulary';

const TERMINAL: readonly State[] = ['REJECTED', 'CLOSED'];
const OPEN: readonly State[] = STATES.filter((s) => !TERMINAL.includes(s));

/** The states each act may start from (FILE starts from nothing). */
export const ALLOWED_FROM: Readonly<Record<Exclude<Action, 'FILE'>, readonly State[]>> = {
  AMEND: ['SUBMITTED', 'ACCEPTED', 'RISK_ASSESSED', 'RELEASE_ELIGIBLE'],
  ACCEPT: ['SUBMITTED'],
  REJECT: ['SUBMITTED'],
  ASSESS_RISK: ['ACCEPTED'],
  MARK_RELEASE_ELIGIBLE: ['RISK_ASSESSED'],
  ORDER_INSPECTION: ['RISK_ASSESSED'],
  RECORD_INSPECTION: ['INSPECTION_ORDERED'],
  RELEASE: ['RELEASE_ELIGIBLE', 'INSPECTED'],
  CLOSE: ['RELEASED'],
  HOLD: OPEN,
  UNHOLD: OPEN,
};

// The records are defined once, as schemas in records.ts; these are their types.
/** Who did an act, when, in which transaction and why. */
export type ActRecord = z.infer<typeof ActRecordSchema>;
export type SignatureEvidence = z.infer<typeof SignatureEvidenceSchema>;
export type SignOff = z.infer<typeof SignOffSchema>;
export type DeclarationRecord = z.infer<typeof DeclarationRecordSchema>;
export type HoldCause = z.infer<typeof HoldCauseSchema>;

/** Acts that stop or refuse goods need a reason. */
export const REASON_REQUIRED: readonly OfficerAction[] = ['REJECT', 'HOLD'];

export function isRiskLevel(level: string): level is RiskLevel {
  return (RISK_LEVELS as readonly string[]).includes(level);
}

export function isRiskScore(score: number): boolean {
  return Number.isInteger(score) && score >= RISK_SCORE.min && score <= RISK_SCORE.max;
}

export function requiresReason(action: OfficerAction): boolean {
  return REASON_REQUIRED.includes(action);
}

type Grant = readonly [string, string];
type Grants = Record<Jurisdiction, readonly Grant[]>;
const ACCESS = policy.actions as unknown as Record<Action, Grants>;

const PATHS = policy.paths as unknown as Record<IndirectPath, Record<'HOLD' | 'UNHOLD', Grants>>;

export function jointAgencies(jurisdiction: Jurisdiction): readonly string[] {
  return policy.jointAgencies[jurisdiction];
}

export function isAllowed(action: Action, jurisdiction: Jurisdiction, actor: Actor): boolean {
  return ACCESS[action][jurisdiction].some(
    ([msp, role]) => msp === actor.mspId && role === actor.role,
  );
}

/** Whether `actor` may hold or unhold a declaration of `jurisdiction` by this path. */
export function isAllowedVia(
  action: 'HOLD' | 'UNHOLD',
  path: ChangePath,
  jurisdiction: Jurisdiction,
  actor: Actor,
): boolean {
  if (isAllowed(action, jurisdiction, actor)) return true;
  if (path === 'DIRECT') return false;
  return PATHS[path][action][jurisdiction].some(
    ([msp, role]) => msp === actor.mspId && role === actor.role,
  );
}

export function requireAllowed(action: Action, jurisdiction: Jurisdiction, actor: Actor): void {
  if (!isAllowed(action, jurisdiction, actor)) {
    throw new LedgerError(
      'FORBIDDEN',
      `${actor.mspId} with role ${actor.role ?? '(none)'} may not ${action} a ${jurisdiction} declaration`,
    );
  }
}

/** What deciding which acts are open needs to know of a record. */
export type ActsView = Pick<
  DeclarationRecord,
  'state' | 'hold' | 'jurisdiction' | 'inspection' | 'releases'
>;

/** Why an act is not open on this record now, or null when it is (access aside). */
function stateRefusal(record: ActsView, action: Exclude<Action, 'FILE'>): string | null {
  if (!ALLOWED_FROM[action].includes(record.state))
    return `cannot ${action} a declaration in state ${record.state}`;
  const onHold = record.hold !== null;
  if (action === 'UNHOLD' && !onHold) return 'the declaration is not on hold';
  if (action !== 'UNHOLD' && onHold)
    return `the declaration is on hold (${record.hold?.reason}); unhold it first`;
  return null;
}

/** Why this actor's agency cannot take a joint act again, or null. */
function signedRefusal(record: ActsView, action: OfficerAction, mspId: string): string | null {
  if (action === 'RECORD_INSPECTION' && record.inspection[mspId])
    return `${mspId} has already signed off this inspection`;
  if (action === 'RELEASE' && record.releases[mspId])
    return `${mspId} has already released this declaration`;
  return null;
}

/**
 * The officer acts this actor may take on this record now: the state allows them, the
 * hold allows them, the actor's agency has not signed them already and the access policy
 * grants them. `applyAct` refuses exactly the acts this leaves out.
 */
export function availableActs(record: ActsView, actor: Actor): OfficerAction[] {
  return OFFICER_ACTIONS.filter(
    (action) =>
      stateRefusal(record, action) === null &&
      signedRefusal(record, action, actor.mspId) === null &&
      isAllowed(action, record.jurisdiction, actor),
  );
}

function requireState(record: DeclarationRecord, action: Exclude<Action, 'FILE'>): void {
  const refusal = stateRefusal(record, action);
  if (refusal !== null) throw new LedgerError('INVALID_STATE', refusal);
}

function requireReason(action: OfficerAction, reason: string): void {
  if (requiresReason(action) && reason.trim() === '')
    throw new LedgerError('INVALID_ARGUMENT', `a reason is required to ${action}`);
}

export interface FileInput {
  declaration: Declaration;
  commercialSha256: string;
  signature: SignatureEvidence;
}

export type ActInput =
  | { action: 'ASSESS_RISK'; level: RiskLevel; score: number }
  | { action: 'RECORD_INSPECTION'; result: InspectionResult; findings: string }
  | { action: Exclude<Action, 'FILE' | 'AMEND' | 'ASSESS_RISK' | 'RECORD_INSPECTION'> };

export function fileDeclaration(input: FileInput, act: ActRecord): DeclarationRecord {
  return {
    declarationId: input.declaration.declarationId,
    version: 1,
    state: 'SUBMITTED',
    hold: null,
    jurisdiction: input.declaration.jurisdiction,
    consignmentRef: input.declaration.consignmentRef,
    declaration: input.declaration,
    commercialSha256: input.commercialSha256,
    signature: input.signature,
    risk: null,
    inspection: {},
    releases: {},
    lastAct: act,
  };
}

/**
 * Whether `signature` is by the declarant who signed `record`: the same signer id; a record
 * from before signer ids needs the same authority, subject and issuer.
 */
export function sameSigner(record: DeclarationRecord, signature: SignatureEvidence): boolean {
  const first = record.signature;
  if (first.signerId !== undefined) return first.signerId === signature.signerId;
  return (
    first.authorityId === signature.authorityId &&
    first.signerSubject === signature.signerSubject &&
    first.issuer === signature.issuer
  );
}

/** A new signed version, by the declarant only: back to SUBMITTED, to be accepted again. */
export function amendDeclaration(
  record: DeclarationRecord,
  input: FileInput,
  act: ActRecord,
): DeclarationRecord {
  requireState(record, 'AMEND');
  if (input.declaration.jurisdiction !== record.jurisdiction) {
    throw new LedgerError('INVALID_ARGUMENT', 'an amendment cannot change the jurisdiction');
  }
  if (!sameSigner(record, input.signature))
    throw new LedgerError(
      'FORBIDDEN',
      `an amendment of ${record.declarationId} must be signed by its declarant`,
    );
  return { ...fileDeclaration(input, act), version: record.version + 1 };
}

/** Applies an officer's act; throws INVALID_STATE where the life cycle does not allow it. */
export function applyAct(
  record: DeclarationRecord,
  input: ActInput,
  act: ActRecord,
): DeclarationRecord {
  requireReason(input.action, act.reason);
  requireState(record, input.action);
  const signed = signedRefusal(record, input.action, act.actor.mspId);
  if (signed !== null) throw new LedgerError('INVALID_STATE', signed);
  const next: DeclarationRecord = { ...record, lastAct: act };
  const joint = jointAgencies(record.jurisdiction);
  switch (input.action) {
    case 'ACCEPT':
      return { ...next, state: 'ACCEPTED' };
    case 'REJECT':
      return { ...next, state: 'REJECTED' };
    case 'ASSESS_RISK':
      return { ...next, state: 'RISK_ASSESSED', risk: { level: input.level, score: input.score } };
    case 'MARK_RELEASE_ELIGIBLE':
      return { ...next, state: 'RELEASE_ELIGIBLE' };
    case 'ORDER_INSPECTION':
      return { ...next, state: 'INSPECTION_ORDERED', inspection: {} };
    case 'RECORD_INSPECTION': {
      const inspection = {
        ...record.inspection,
        [act.actor.mspId]: { ...act, result: input.result, findings: input.findings },
      };
      if (!joint.every((msp) => inspection[msp])) return { ...next, inspection };
      // The joint record is complete; goods any agency found non-compliant are held.
      const compliant = Object.values(inspection).every((s) => s.result === 'COMPLIANT');
      if (compliant) return { ...next, inspection, state: 'INSPECTED' };
      return { ...next, inspection, state: 'INSPECTED', hold: act, holdCauses: [direct(act)] };
    }
    case 'RELEASE': {
      const releases = { ...record.releases, [act.actor.mspId]: act };
      const released = joint.every((msp) => releases[msp]);
      return { ...next, releases, state: released ? 'RELEASED' : record.state };
    }
    case 'CLOSE':
      return { ...next, state: 'CLOSED' };
    case 'HOLD':
      return { ...next, hold: act, holdCauses: [direct(act)] };
    case 'UNHOLD':
      return { ...next, hold: null, holdCauses: [] };
  }
}

const direct = (act: ActRecord): HoldCause => ({ ...act, path: 'DIRECT' });

/**
 * What holds a declaration now. Every act that holds it is kept as a cause, also one that
 * finds it held already (a second alarm, an inspection's HOLD); `hold` is the first. An
 * officer's UNHOLD lifts them all; a CLEARED inspection lifts the hold only when every
 * cause is an alarm since cleared (crossing.ts). A record from before causes were kept has
 * its `hold` as its one cause.
 */
export function holdCausesOf(record: Pick<DeclarationRecord, 'hold' | 'holdCauses'>): HoldCause[] {
  if (record.hold === null) return [];
  return record.holdCauses && record.holdCauses.length > 0 ? record.holdCauses : [record.hold];
}

/**
 * A hold another act makes (`cause.path`, with the act's actor, reason and transaction):
 * the record held by this cause too, or null where the life cycle has nothing to hold
 * (rejected, closed) or the caller may not hold it by this path.
 */
export function holdBy(
  record: DeclarationRecord,
  cause: HoldCause & { path: IndirectPath },
): DeclarationRecord | null {
  if (TERMINAL.includes(record.state)) return null;
  if (!isAllowedVia('HOLD', cause.path, record.jurisdiction, cause.actor)) return null;
  requireReason('HOLD', cause.reason);
  const act: ActRecord = {
    action: 'HOLD',
    actor: cause.actor,
    reason: cause.reason,
    at: cause.at,
    txId: cause.txId,
  };
  return {
    ...record,
    hold: record.hold ?? act,
    holdCauses: [...holdCausesOf(record), cause],
    lastAct: act,
  };
}

/**
 * Lifts a hold every cause of which `settled` accepts, by an UNHOLD `act` of another path;
 * null when the record is not held, a cause is not settled, or the caller may not unhold
 * it by this path.
 */
export function unholdSettled(
  record: DeclarationRecord,
  path: IndirectPath,
  act: ActRecord,
  settled: (cause: HoldCause) => boolean,
): DeclarationRecord | null {
  if (record.hold === null || !holdCausesOf(record).every(settled)) return null;
  if (!isAllowedVia('UNHOLD', path, record.jurisdiction, act.actor)) return null;
  return { ...record, hold: null, holdCauses: [], lastAct: { ...act, action: 'UNHOLD' } };
}
