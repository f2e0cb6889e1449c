/**
 * Where each act lives: one chaincode package under three chaincode definitions
 * (namespaces) on the channel, so that a jurisdiction's own acts need only its own
 * organisations' peers and joint acts need both customs services.
 *
 * - `clearance-gd`: GD declarations; endorsed by any GD agency's peer; the GD commercial
 *   values collection (GD customs and GD inspection).
 * - `clearance-hk`: HK declarations; HK customs' peer; the HK commercial values collection.
 * - `clearance` (joint): the trust list, devices, seals, readings' anchors, checkpoint taps,
 *   crossings; endorsed by GD customs' AND HK customs' peers.
 *
 * Why namespaces and not one permissive definition: a key created under a chaincode-level
 * policy that one organisation satisfies alone (OR of every organisation) could be forged
 * by that organisation, because a new key has no key-level policy yet. A namespace's own
 * policy binds every key in it, new ones included.
 *
 * The chaincode learns the namespace a transaction was proposed to from the signed
 * proposal (its chaincode id), never from an argument, and refuses an act proposed to a
 * namespace it does not belong to (guardNamespace). Pure: no I/O.
 */
import policy from '../shared/access-policy.json';
import { LedgerError } from '../shared/errors';
import { NAMESPACE_REASONS } from '../shared/refusals';
import type { Jurisdiction } from '../declarations/vocabulary';
import { LIVESTOCK_CONTRACT, LIVESTOCK_WRITES, livestockHome } from '../livestock/routing';

export const JOINT_NAMESPACE = 'clearance';
export const JURISDICTION_NAMESPACES = {
  GD: 'clearance-gd',
  HK: 'clearance-hk',
} as const satisfies Record<Jurisdiction, string>;

export const NAMESPACES = [
  JOINT_NAMESPACE,
  JURISDICTION_NAMESPACES.GD,
  JURISDICTION_NAMESPACES.HK,
] as const;
export type Namespace = (typeof NAMESPACES)[number];

export function isNamespace(value: unknown): value is Namespace {
  return NAMESPACES.some((namespace) => namespace === value);
}

/** The organisations both customs services: joint acts need a peer of each. */
export const JOINT_ENDORSERS: readonly string[] = policy.crossing.endorsers;

export interface NamespacePolicy {
  namespace: Namespace;
  /** The jurisdiction whose declarations live here; none for the joint namespace. */
  jurisdiction?: Jurisdiction;
  /** Chaincode-level endorsement: a peer of any one (`ANY`) or of every (`ALL`) organisation. */
  endorsement: { rule: 'ANY' | 'ALL'; organisations: readonly string[] };
  /** The private collection of commercial values (memberOnlyRead and memberOnlyWrite). */
  collection?: { name: string; members: readonly string[] };
  /**
   * Where the owning side's customs officer shares them with the other side, by a recorded
   * act (declarations/sharing.ts): its own agencies and the other jurisdiction's.
   */
  sharedCollection?: { name: string; members: readonly string[] };
}

const jurisdictionPolicy = (jurisdiction: Jurisdiction): NamespacePolicy => {
  const agencies = policy.jointAgencies[jurisdiction];
  return {
    namespace: JURISDICTION_NAMESPACES[jurisdiction],
    jurisdiction,
    endorsement: { rule: 'ANY', organisations: agencies },
    collection: { name: `commercialValues${jurisdiction}`, members: agencies },
    sharedCollection: {
      name: `sharedCommercialValues${jurisdiction}`,
      members: [...agencies, ...policy.jointAgencies[jurisdiction === 'GD' ? 'HK' : 'GD']],
    },
  };
};

export const NAMESPACE_POLICIES: Readonly<Record<Namespace, NamespacePolicy>> = {
  [JOINT_NAMESPACE]: {
    namespace: JOINT_NAMESPACE,
    endorsement: { rule: 'ALL', organisations: JOINT_ENDORSERS },
  },
  [JURISDICTION_NAMESPACES.GD]: jurisdictionPolicy('GD'),
  [JURISDICTION_NAMESPACES.HK]: jurisdictionPolicy('HK'),
};

/** The chaincode-level policy as a Fabric signature policy (`--signature-policy`). */
export function signaturePolicy(namespace: Namespace): string {
  const { rule, organisations } = NAMESPACE_POLICIES[namespace].endorsement;
  const peers = organisations.map((o) => `'${o}.peer'`).join(', ');
  return `${rule === 'ALL' ? 'AND' : 'OR'}(${peers})`;
}

export function namespaceOf(jurisdiction: Jurisdiction): Namespace {
  return JURISDICTION_NAMESPACES[jurisdiction];
}

/**
 * The collection a jurisdiction's commercial values are shared into, by a recorded act
 * (declarations/sharing.ts): its own agencies and the other side's customs service.
 */
export function sharedCommercialCollection(jurisdiction: Jurisdiction): string {
  const collection = NAMESPACE_POLICIES[namespaceOf(jurisdiction)].sharedCollection;
  if (!collection) throw new Error(`no shared collection for ${jurisdiction}`);
  return collection.name;
}

/** The collection of commercial values of a jurisdiction's declarations. */
export function commercialCollection(jurisdiction: Jurisdiction): string {
  const collection = NAMESPACE_POLICIES[namespaceOf(jurisdiction)].collection;
  if (!collection) throw new Error(`no collection for ${jurisdiction}`);
  return collection.name;
}

/**
 * Where an act may be proposed:
 * - `jurisdiction`: the namespace of the declaration's jurisdiction (filings, officers' acts);
 * - `joint`: the joint namespace only (trust list, seals, crossings);
 * - `fromJoint`: a write the joint namespace's code makes in a jurisdiction's namespace by a
 *   chaincode-to-chaincode call (a seal alarm's or a crossing outcome's hold): the proposal
 *   names the joint namespace;
 * - `any`: reads (also reached by chaincode-to-chaincode calls from another namespace, where
 *   the proposal names the caller's) and self-checks (each gateway in its own namespace).
 */
export type NamespaceHome = 'jurisdiction' | 'joint' | 'fromJoint' | 'any';

/** Every write transaction's home; a transaction not listed is a read (`any`). */
export const ACT_HOMES: Readonly<Record<string, NamespaceHome>> = {
  'Declaration:File': 'jurisdiction',
  'Declaration:Amend': 'jurisdiction',
  'Declaration:Accept': 'jurisdiction',
  'Declaration:Reject': 'jurisdiction',
  'Declaration:AssessRisk': 'jurisdiction',
  'Declaration:MarkReleaseEligible': 'jurisdiction',
  'Declaration:OrderInspection': 'jurisdiction',
  'Declaration:RecordInspection': 'jurisdiction',
  'Declaration:Release': 'jurisdiction',
  'Declaration:Close': 'jurisdiction',
  'Declaration:Hold': 'jurisdiction',
  'Declaration:Unhold': 'jurisdiction',
  'Declaration:ShareCommercial': 'jurisdiction',
  'Declaration:SaveFromJoint': 'fromJoint',
  'Declaration:FileDual': 'jurisdiction',
  'Declaration:AmendDual': 'jurisdiction',
  'Declaration:FileHalf': 'jurisdiction',
  'Declaration:SettleHalves': 'jurisdiction',
  'TrustList:ProposeTrustChange': 'joint',
  'TrustList:ApproveTrustChange': 'joint',
  'TrustList:RejectTrustChange': 'joint',
  'TrustList:WithdrawTrustChange': 'joint',
  'TrustList:UpdateRevocationList': 'joint',
  'Seal:RegisterDevice': 'joint',
  'Seal:AccreditDevice': 'joint',
  'Seal:ApplySeal': 'joint',
  'Seal:RecordAlarm': 'joint',
  'Seal:AnchorReadings': 'joint',
  'Seal:RecordCheckpoint': 'joint',
  'Seal:RemoveSeal': 'joint',
  'Crossing:Decide': 'joint',
  'Crossing:RecordOutcome': 'joint',
  'SelfCheck:Record': 'any',
  // Food animals: each side's own acts in its own namespace (livestock/routing.ts).
  ...Object.fromEntries(Object.keys(LIVESTOCK_WRITES).map((t) => [t, 'jurisdiction' as const])),
};

export function homeOf(transaction: string): NamespaceHome {
  return ACT_HOMES[transaction] ?? 'any';
}

/** The reason a refusal by guardNamespace carries (code FORBIDDEN). */
export const WRONG_NAMESPACE = NAMESPACE_REASONS.WRONG_NAMESPACE;

/**
 * Refuses an act proposed to a namespace it does not belong to. `proposed` is the chaincode
 * id of the signed proposal; `jurisdiction` the declaration's, for `jurisdiction` acts.
 */
export function guardNamespace(
  transaction: string,
  proposed: string,
  jurisdiction?: Jurisdiction,
): void {
  const home = homeOf(transaction);
  if (home === 'any') return;
  const expected =
    home === 'jurisdiction'
      ? jurisdiction === undefined
        ? undefined
        : namespaceOf(jurisdiction)
      : JOINT_NAMESPACE;
  if (expected === undefined)
    throw new Error(`${transaction}: the declaration's jurisdiction is needed to guard it`);
  if (proposed !== expected)
    throw new LedgerError(
      'FORBIDDEN',
      `${transaction}${jurisdiction ? ` of a ${jurisdiction} declaration` : ''} belongs to namespace ${expected}, not ${proposed}`,
      WRONG_NAMESPACE,
    );
}

/** Where an organisation's own self-checks go: the namespace its own peers endorse. */
export const HOME_NAMESPACE_OF: Readonly<Record<string, Namespace>> = {
  GDCustomsMSP: JURISDICTION_NAMESPACES.GD,
  GDCIQMSP: JURISDICTION_NAMESPACES.GD,
  HKCustomsMSP: JURISDICTION_NAMESPACES.HK,
  LogisticsMSP: JOINT_NAMESPACE,
  HKCFSMSP: JURISDICTION_NAMESPACES.HK,
};

/**
 * Where a client sends a transaction (the gateway and the in-memory twin alike):
 * - `namespace`: fixed;
 * - `declaration`: the namespace holding declaration `id` (look it up; its jurisdiction
 *   never changes);
 * - `first-found`: a read of a record that may be in any of `namespaces` (a self-check is
 *   recorded in its asker's home namespace): the first that does not answer NOT_FOUND;
 * - `every-jurisdiction`: a read answered per jurisdiction, the answers (JSON arrays)
 *   concatenated (ListByConsignment: the HK export and the GD import of the goods).
 */
export type Route =
  | { kind: 'namespace'; namespace: Namespace }
  | { kind: 'declaration'; id: string }
  | { kind: 'every-jurisdiction' }
  | { kind: 'first-found'; namespaces: readonly Namespace[] };

const filingJurisdiction = (json: string | undefined): Jurisdiction | undefined => {
  try {
    const parsed: unknown = JSON.parse(json ?? '');
    const value =
      typeof parsed === 'object' && parsed !== null && 'jurisdiction' in parsed
        ? parsed.jurisdiction
        : undefined;
    return value === 'GD' || value === 'HK' ? value : undefined;
  } catch {
    return undefined;
  }
};

/** Dual-filing transactions: their first argument names the jurisdiction whose namespace runs them. */
const BY_JURISDICTION_ARGUMENT: ReadonlySet<string> = new Set([
  'Declaration:FileDual',
  'Declaration:AmendDual',
  'Declaration:FileHalf',
  'Declaration:GetSubmission',
  'Declaration:PendingHalves',
  'Declaration:OpenHalves',
  'Declaration:SettleHalves',
  'Declaration:SettleableHalves',
  'Declaration:HandedOverValues',
]);

/** The route of a transaction (`Contract:Method`) with its arguments, for a caller's MSP. */
export function routeOf(transaction: string, args: readonly string[], mspId: string): Route {
  const [contract] = transaction.split(':');
  if (transaction === 'Declaration:File' || transaction === 'Declaration:Amend') {
    // An unreadable filing goes to GD's namespace, whose chaincode answers INVALID_ARGUMENT.
    const jurisdiction = filingJurisdiction(args[0]) ?? 'GD';
    return { kind: 'namespace', namespace: namespaceOf(jurisdiction) };
  }
  if (transaction === 'Declaration:ListByConsignment') return { kind: 'every-jurisdiction' };
  if (BY_JURISDICTION_ARGUMENT.has(transaction)) {
    const jurisdiction = args[0] === 'HK' ? 'HK' : 'GD';
    return { kind: 'namespace', namespace: namespaceOf(jurisdiction) };
  }
  if (contract === 'Declaration') return { kind: 'declaration', id: args[0] ?? '' };
  const home = HOME_NAMESPACE_OF[mspId] ?? JOINT_NAMESPACE;
  if (contract === LIVESTOCK_CONTRACT) {
    const side = livestockHome(transaction);
    if (side === undefined) return { kind: 'namespace', namespace: home };
    return {
      kind: 'namespace',
      namespace: side === 'joint' ? JOINT_NAMESPACE : namespaceOf(side),
    };
  }
  if (transaction === 'SelfCheck:Get')
    return { kind: 'first-found', namespaces: [home, ...NAMESPACES.filter((n) => n !== home)] };
  if (contract === 'SelfCheck') return { kind: 'namespace', namespace: home };
  return { kind: 'namespace', namespace: JOINT_NAMESPACE };
}
