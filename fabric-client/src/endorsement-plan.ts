/**
 * Which peers must endorse each transaction, derived from the same allow table the
 * chaincode enforces (the domain's access-policy.json, read through its exports) and from where the contracts set key-level
 * policies (setStateValidationParameter in contracts/declaration.ts and trust-list.ts).
 *
 * - Chaincode level: MAJORITY of the four peer organisations, so any 3.
 * - Declaration release key (set at File): every joint agency of the declaration's
 *   jurisdiction (GD: customs and inspection; HK: customs). Release(id) does not name the
 *   jurisdiction: the client reads the declaration first (JURISDICTION_READS); without it
 *   the plan needs the joint agencies of every jurisdiction.
 * - Trust-list meta key (set at the first change, written by every change): GD and HK customs.
 * - Crossing record key (set by Decide, written again by RecordOutcome): GD and HK customs
 *   (CROSSING_ENDORSERS), Decide included, so both services endorse every decision.
 * - File and Amend write the commercialValues collection (memberOnlyWrite): only its member
 *   organisations may endorse them (network/src/definition.ts COLLECTIONS).
 *
 * A plan is "these organisations, and enough others to make `total`": a dead optional peer
 * can be routed around. Pure: no I/O.
 */
import {
  CROSSING_ENDORSERS,
  JURISDICTIONS,
  jointAgencies as agenciesOf,
  TRUST_LIST_ENDORSERS,
} from '@clearance/domain';

export const PEER_ORGANISATIONS = [
  'GDCustomsMSP',
  'GDCIQMSP',
  'HKCustomsMSP',
  'LogisticsMSP',
] as const;

/** Members of the commercialValues collection (memberOnlyWrite). */
export const COMMERCIAL_COLLECTION_MEMBERS: readonly string[] = [
  'GDCustomsMSP',
  'GDCIQMSP',
  'HKCustomsMSP',
];

export interface EndorsementPlan {
  /** Organisations whose peer must endorse. */
  required: readonly string[];
  /** Endorsements needed in all (required ones included). */
  total: number;
  /** Organisations allowed to endorse at all (the required ones among them). */
  eligible: readonly string[];
}

/** MAJORITY of n: more than half. */
export const majority = (n: number): number => Math.floor(n / 2) + 1;

const union = (...lists: (readonly string[])[]): string[] => [...new Set(lists.flat())];

const jointAgencies: Record<string, readonly string[]> = Object.fromEntries(
  JURISDICTIONS.map((j) => [j, agenciesOf(j)]),
);

/**
 * Transactions whose key-level policy depends on the jurisdiction of the declaration named
 * by an argument: the read that tells it (its JSON has `jurisdiction`).
 */
export const JURISDICTION_READS: Readonly<Record<string, { read: string; idArgument: number }>> = {
  'Declaration:Release': { read: 'Declaration:Get', idArgument: 0 },
};

const BY_JURISDICTION: Record<string, (jurisdiction: string) => readonly string[] | undefined> = {
  'Declaration:Release': (j) => jointAgencies[j],
};

/** Transactions writing a key with a key-level policy, and the organisations it names. */
const KEY_LEVEL: Record<string, readonly string[]> = {
  'Declaration:Release': union(...Object.values(jointAgencies)),
  // The approval makes the change; proposals, rejections and withdrawals change no list key.
  'TrustList:ApproveTrustChange': TRUST_LIST_ENDORSERS,
  'TrustList:UpdateRevocationList': TRUST_LIST_ENDORSERS,
  'Crossing:Decide': CROSSING_ENDORSERS,
  'Crossing:RecordOutcome': CROSSING_ENDORSERS,
};

const PRIVATE_WRITERS: Record<string, readonly string[]> = {
  'Declaration:File': COMMERCIAL_COLLECTION_MEMBERS,
  'Declaration:Amend': COMMERCIAL_COLLECTION_MEMBERS,
};

/**
 * The plan for one transaction (`Contract:Method`, as submitted); `jurisdiction`, when
 * known, narrows a jurisdiction-dependent key-level policy (JURISDICTION_READS).
 */
export function endorsementPlan(transaction: string, jurisdiction?: string): EndorsementPlan {
  const eligible = PRIVATE_WRITERS[transaction] ?? PEER_ORGANISATIONS;
  const total = majority(PEER_ORGANISATIONS.length);
  const narrowed =
    jurisdiction === undefined ? undefined : BY_JURISDICTION[transaction]?.(jurisdiction);
  const required = narrowed ?? KEY_LEVEL[transaction] ?? [];
  if (eligible.length < total)
    throw new Error(`${transaction}: ${eligible.length} eligible organisations, ${total} needed`);
  return { required, total, eligible };
}

/** Where an endorsement round stands: organisations endorsed, failed, asked and pending. */
export interface EndorsementProgress {
  endorsed: readonly string[];
  failed: readonly string[];
  pending: readonly string[];
}

export type NextEndorsers =
  { done: true } | { done: false; ask: string[] } | { done: false; impossible: string };

/**
 * Who to ask next: the required organisations not yet asked, then as many optional ones
 * (in `preference` order, never one that failed) as still missing. Impossible when a
 * required one failed or too few are left.
 */
export function nextEndorsers(
  plan: EndorsementPlan,
  progress: EndorsementProgress,
  preference: readonly string[] = plan.eligible,
): NextEndorsers {
  const { endorsed, failed, pending } = progress;
  const lostRequired = plan.required.filter((o) => failed.includes(o));
  if (lostRequired.length > 0)
    return { done: false, impossible: `required endorser failed: ${lostRequired.join(', ')}` };
  const covered = (o: string) => endorsed.includes(o) || pending.includes(o);
  const haveRequired = plan.required.every((o) => endorsed.includes(o));
  if (haveRequired && endorsed.length >= plan.total) return { done: true };
  const ask = plan.required.filter((o) => !covered(o));
  const missing = plan.total - endorsed.length - pending.length - ask.length;
  const optional = preference.filter(
    (o) =>
      plan.eligible.includes(o) && !plan.required.includes(o) && !covered(o) && !failed.includes(o),
  );
  if (optional.length < missing)
    return {
      done: false,
      impossible: `${plan.total} endorsements needed, at most ${plan.total - missing + optional.length} possible`,
    };
  ask.push(...optional.slice(0, Math.max(0, missing)));
  return { done: false, ask };
}
