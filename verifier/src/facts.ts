/**
 * The public facts a bundle attests, read back from what its subject transactions wrote:
 * a release (the declaration record the Release act wrote: who released it and when), a
 * crossing decision (the crossing record Decide or RecordOutcome wrote), or, for any other
 * transaction, who invoked which function when. Only what the channel already shows; the
 * commercial values are private data and never in a write set.
 */
import {
  CrossingRecordSchema,
  DeclarationRecordSchema,
  JOINT_NAMESPACE,
  NAMESPACES,
  RECORD_KEYS,
  namespaceOf,
} from '@clearance/chaincode/domain';
import type { z } from 'zod';
import type { CrossingFacts, Facts, ReleaseFacts } from './bundle';
import type { EndorserAction } from './ledger';
import type { Reason } from './report';

export interface SubjectTransaction {
  id: string;
  action: EndorserAction;
  creatorMsp: string;
  time: Date;
}

export type FactsOutcome =
  { ok: true; facts: Facts } | { ok: false; reason: Reason; detail: string };

const ReleaseRecord = DeclarationRecordSchema.pick({
  declarationId: true,
  consignmentRef: true,
  jurisdiction: true,
  state: true,
  releases: true,
  lastAct: true,
});

const CrossingRecord = CrossingRecordSchema.pick({
  crossingId: true,
  sealId: true,
  controlPoint: true,
  direction: true,
  decision: true,
  reasons: true,
  declarations: true,
  decided: true,
  inspection: true,
});

/**
 * The namespaces whose records the facts are read from: every namespace of the split
 * network when the trust root names its joint definition, else the one named.
 */
function namespacesOf(chaincode: string): readonly string[] {
  return chaincode === JOINT_NAMESPACE ? NAMESPACES : [chaincode];
}

/** The records of one kind a transaction wrote in the chaincode's namespaces, by key id. */
function recordsWritten<T>(
  action: EndorserAction,
  chaincode: string,
  objectType: string,
  schema: z.ZodType<T>,
): { id: string; record: T | undefined; namespace: string }[] {
  const pattern = new RegExp(`^\\u0000${objectType}\\u0000([^\\u0000]+)\\u0000$`);
  const namespaces = namespacesOf(chaincode);
  return action.writes
    .filter((ns) => namespaces.includes(ns.namespace))
    .flatMap((ns) => ns.writes.map((w) => ({ ...w, namespace: ns.namespace })))
    .flatMap((w) => {
      const id = pattern.exec(w.key)?.[1];
      if (id === undefined || w.isDelete) return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(w.value));
      } catch {
        return [{ id, record: undefined, namespace: w.namespace }];
      }
      const result = schema.safeParse(parsed);
      return [{ id, record: result.success ? result.data : undefined, namespace: w.namespace }];
    });
}

function releaseFacts(subjects: SubjectTransaction[], chaincode: string): FactsOutcome {
  const declarations: ReleaseFacts['declarations'] = [];
  const consignments = new Set<string>();
  for (const s of subjects) {
    const written = recordsWritten(s.action, chaincode, RECORD_KEYS.declaration, ReleaseRecord);
    const [one] = written;
    const record = one?.record;
    if (written.length !== 1 || !record || record.declarationId !== one.id)
      return { ok: false, reason: 'NOT_A_RELEASE', detail: `${s.id} writes no declaration` };
    // A split network keeps a jurisdiction's declarations in its own namespace: one written
    // in the other side's was endorsed under that side's policy alone. (The joint namespace
    // needs both customs services: there, as on a network of one definition, it stands.)
    if (
      chaincode === JOINT_NAMESPACE &&
      one.namespace !== JOINT_NAMESPACE &&
      one.namespace !== namespaceOf(record.jurisdiction)
    )
      return {
        ok: false,
        reason: 'NOT_A_RELEASE',
        detail: `${s.id} writes a ${record.jurisdiction} declaration in ${one.namespace}`,
      };
    if (record.lastAct.action !== 'RELEASE' || record.lastAct.txId !== s.id)
      return { ok: false, reason: 'NOT_A_RELEASE', detail: `${s.id} is ${record.lastAct.action}` };
    consignments.add(record.consignmentRef);
    declarations.push({
      declarationId: record.declarationId,
      jurisdiction: record.jurisdiction,
      state: record.state,
      releases: Object.entries(record.releases)
        .map(([agency, act]) => ({ agency, at: act.at, transactionId: act.txId }))
        .sort((a, b) => a.at.localeCompare(b.at) || a.agency.localeCompare(b.agency)),
    });
  }
  if (consignments.size !== 1)
    return {
      ok: false,
      reason: 'NOT_A_RELEASE',
      detail: 'the declarations are of different consignments',
    };
  return {
    ok: true,
    facts: { kind: 'release', consignmentRef: [...consignments][0] as string, declarations },
  };
}

function crossingFacts(subjects: SubjectTransaction[], chaincode: string): FactsOutcome {
  const [s] = subjects;
  if (!s || subjects.length !== 1)
    return { ok: false, reason: 'NOT_A_CROSSING', detail: 'a crossing bundle has one subject' };
  const written = recordsWritten(s.action, chaincode, RECORD_KEYS.crossing, CrossingRecord);
  const [one] = written;
  const record = one?.record;
  if (written.length !== 1 || !record || record.crossingId !== one.id)
    return { ok: false, reason: 'NOT_A_CROSSING', detail: `${s.id} writes no crossing` };
  const outcome = record.inspection?.outcome ?? null;
  if (record.decided.txId !== s.id && outcome?.txId !== s.id)
    return { ok: false, reason: 'NOT_A_CROSSING', detail: `${s.id} neither decided nor closed it` };
  const facts: CrossingFacts = {
    kind: 'crossing',
    crossingId: record.crossingId,
    sealId: record.sealId,
    controlPoint: record.controlPoint,
    direction: record.direction,
    decision: record.decision,
    reasons: record.reasons,
    declarationIds: record.declarations.map((d) => d.declarationId),
    decidedAt: record.decided.at,
    decidedBy: record.decided.actor.mspId,
    outcome:
      outcome && record.inspection
        ? { status: record.inspection.status, at: outcome.at, by: outcome.actor.mspId }
        : null,
  };
  return { ok: true, facts };
}

/** The facts the subjects' writes state, for the kind of facts the bundle claims. */
export function factsOf(
  kind: Facts['kind'],
  subjects: SubjectTransaction[],
  chaincode: string,
): FactsOutcome {
  if (kind === 'release') return releaseFacts(subjects, chaincode);
  if (kind === 'crossing') return crossingFacts(subjects, chaincode);
  const [s] = subjects;
  if (!s || subjects.length !== 1)
    return { ok: false, reason: 'FACTS_MISMATCH', detail: 'one subject transaction expected' };
  const [fn] = s.action.invocation.args;
  return {
    ok: true,
    facts: {
      kind: 'transaction',
      transactionId: s.id,
      chaincode: s.action.chaincode,
      function: fn ? new TextDecoder().decode(fn) : '',
      submittedBy: s.creatorMsp,
      at: s.time.toISOString(),
    },
  };
}
