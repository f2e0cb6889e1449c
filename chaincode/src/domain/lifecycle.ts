/**
 * The declaration life cycle, as a pure function of (record, act) → record. "One
 * declaration, one inspection, one release": one filing for customs and inspection
 * together, one joint inspection both agencies sign off, one release both must give.
 */
import policy from './access-policy.json';
import type { Declaration } from './declaration';
import { LedgerError } from './errors';

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

export interface Actor {
  mspId: string;
  id: string;
  role?: string;
}

/** Who did an act, when, in which transaction and why. */
export interface ActRecord {
  action: Action;
  actor: Actor;
  reason: string;
  at: string;
  txId: string;
}

export interface SignatureEvidence {
  signerSubject: string;
  issuer: string;
  serialNumber: string;
  jurisdiction: Jurisdiction;
  authorityId: string;
  policyOid: string;
  certificateSha256: string;
  contentSha256: string;
  signingTime?: string;
  /** sha256WithRSAEncryption, ecdsa-with-SHA256 or SM3withSM2 (absent on older records). */
  signatureAlgorithm?: string;
  /** Subjects from the signer up to the listed authority (absent on older records). */
  certificationPath?: string[];
}

export interface SignOff extends ActRecord {
  result?: 'COMPLIANT' | 'NON_COMPLIANT';
  findings?: string;
}

export interface DeclarationRecord {
  declarationId: string;
  version: number;
  state: State;
  hold: ActRecord | null;
  jurisdiction: Jurisdiction;
  consignmentRef: string;
  declaration: Declaration;
  /** sha256 of the canonical commercial values held as private data. */
  commercialSha256: string;
  signature: SignatureEvidence;
  risk: { level: RiskLevel; score: number } | null;
  /** Inspection sign-offs by MSP; inspected when every joint agency has signed. */
  inspection: Record<string, SignOff>;
  /** Releases by MSP; released when every joint agency has released. */
  releases: Record<string, ActRecord>;
  lastAct: ActRecord;
}

export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

type Grant = readonly [string, string];
const ACCESS = policy.actions as unknown as Record<Action, Record<Jurisdiction, readonly Grant[]>>;

export function jointAgencies(jurisdiction: Jurisdiction): readonly string[] {
  return policy.jointAgencies[jurisdiction];
}

export function isAllowed(action: Action, jurisdiction: Jurisdiction, actor: Actor): boolean {
  return ACCESS[action][jurisdiction].some(
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

function requireState(record: DeclarationRecord, action: Exclude<Action, 'FILE'>): void {
  if (!ALLOWED_FROM[action].includes(record.state)) {
    throw new LedgerError(
      'INVALID_STATE',
      `cannot ${action} a declaration in state ${record.state}`,
    );
  }
  const onHold = record.hold !== null;
  if (action === 'UNHOLD' && !onHold) {
    throw new LedgerError('INVALID_STATE', 'the declaration is not on hold');
  }
  if (action !== 'UNHOLD' && onHold) {
    throw new LedgerError(
      'INVALID_STATE',
      `the declaration is on hold (${record.hold?.reason}); unhold it first`,
    );
  }
}

export interface FileInput {
  declaration: Declaration;
  commercialSha256: string;
  signature: SignatureEvidence;
}

export type ActInput =
  | { action: 'ASSESS_RISK'; level: RiskLevel; score: number }
  | { action: 'RECORD_INSPECTION'; result: 'COMPLIANT' | 'NON_COMPLIANT'; findings: string }
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

/** A new signed version: back to SUBMITTED, to be accepted again. */
export function amendDeclaration(
  record: DeclarationRecord,
  input: FileInput,
  act: ActRecord,
): DeclarationRecord {
  requireState(record, 'AMEND');
  if (input.declaration.jurisdiction !== record.jurisdiction) {
    throw new LedgerError('INVALID_ARGUMENT', 'an amendment cannot change the jurisdiction');
  }
  return { ...fileDeclaration(input, act), version: record.version + 1 };
}

/** Applies an officer's act; throws INVALID_STATE where the life cycle does not allow it. */
export function applyAct(
  record: DeclarationRecord,
  input: ActInput,
  act: ActRecord,
): DeclarationRecord {
  requireState(record, input.action);
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
      if (record.inspection[act.actor.mspId]) {
        throw new LedgerError(
          'INVALID_STATE',
          `${act.actor.mspId} has already signed off this inspection`,
        );
      }
      const inspection = {
        ...record.inspection,
        [act.actor.mspId]: { ...act, result: input.result, findings: input.findings },
      };
      if (!joint.every((msp) => inspection[msp])) return { ...next, inspection };
      // The joint record is complete; goods any agency found non-compliant are held.
      const compliant = Object.values(inspection).every((s) => s.result === 'COMPLIANT');
      return { ...next, inspection, state: 'INSPECTED', hold: compliant ? null : act };
    }
    case 'RELEASE': {
      if (record.releases[act.actor.mspId]) {
        throw new LedgerError(
          'INVALID_STATE',
          `${act.actor.mspId} has already released this declaration`,
        );
      }
      const releases = { ...record.releases, [act.actor.mspId]: act };
      const released = joint.every((msp) => releases[msp]);
      return { ...next, releases, state: released ? 'RELEASED' : record.state };
    }
    case 'CLOSE':
      return { ...next, state: 'CLOSED' };
    case 'HOLD':
      return { ...next, hold: act };
    case 'UNHOLD':
      return { ...next, hold: null };
  }
}
