/**
 * Which peers must endorse each transaction: the chaincode-level policy of the namespace it
 * is proposed to (namespaces.ts) and the key-level policies the contracts set
 * (setStateValidationParameter in contracts/declaration.ts, trust-list.ts and crossing.ts).
 * A plan is "these organisations, and enough others to make `total`": a dead optional peer
 * can be routed around. Pure: no I/O.
 */
import policy from './access-policy.json';
import { JOINT_NAMESPACE, NAMESPACE_POLICIES, type Namespace } from './namespaces';

export const PEER_ORGANISATIONS = [
  'GDCustomsMSP',
  'GDCIQMSP',
  'HKCustomsMSP',
  'LogisticsMSP',
] as const;

export interface EndorsementPlan {
  /** Organisations whose peer must endorse. */
  required: readonly string[];
  /** Endorsements needed in all (required ones included). */
  total: number;
  /** Organisations allowed to endorse at all (the required ones among them). */
  eligible: readonly string[];
}

/** Joint transactions writing a key with a key-level policy, and the organisations it names. */
const JOINT_KEY_LEVEL: Record<string, readonly string[]> = {
  'TrustList:ApproveTrustChange': policy.trustListEndorsers,
  'TrustList:UpdateRevocationList': policy.trustListEndorsers,
  'Crossing:Decide': policy.crossing.endorsers,
  'Crossing:RecordOutcome': policy.crossing.endorsers,
};

/** MAJORITY of n: more than half. */
export const majority = (n: number): number => Math.floor(n / 2) + 1;

const union = (...lists: (readonly string[])[]): string[] => [...new Set(lists.flat())];

/**
 * The plan for one transaction (`Contract:Method`, as submitted) in its namespace:
 * - `clearance-gd`: a peer of GD customs or GD inspection; `clearance-hk`: HK customs' peer;
 *   the joint namespace: GD customs' and HK customs' peers.
 * - The release key (set at File) needs every joint agency of the namespace's jurisdiction.
 * - Trust-list meta key and crossing keys need GD and HK customs (as the joint policy).
 * - File and Amend write the jurisdiction's collection, whose members are the namespace's
 *   organisations: only they may endorse (memberOnlyWrite).
 * - A joint act that holds or unholds declarations (Seal:RecordAlarm,
 *   Crossing:RecordOutcome) also writes in a jurisdiction's namespace; the joint policy (both
 *   customs services) satisfies that one's (any agency of the jurisdiction).
 */
export function endorsementPlan(transaction: string, namespace: Namespace): EndorsementPlan {
  const { endorsement, jurisdiction } = NAMESPACE_POLICIES[namespace];
  const base = endorsement.rule === 'ALL' ? endorsement.organisations : [];
  const keyLevel =
    namespace === JOINT_NAMESPACE
      ? (JOINT_KEY_LEVEL[transaction] ?? [])
      : transaction === 'Declaration:Release' && jurisdiction
        ? policy.jointAgencies[jurisdiction]
        : [];
  const required = union(base, keyLevel);
  const eligible = union(endorsement.organisations, required);
  return { required, total: Math.max(1, required.length), eligible };
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
