/**
 * Re-evaluates the endorsement policies a transaction had to satisfy, as Fabric 2.x's
 * default validation does (core/committer/txvalidator/v20 plugin dispatcher, builtin v20
 * plugin, core/common/validation/statebased): for the chaincode invoked and each namespace
 * written, every written key (public or private, value or metadata) needs its key-level
 * policy when it has one, otherwise the collection's policy (private writes) or the
 * chaincode's; at least the chaincode's is always checked. The policies in force come from
 * the bundle's sources: the chaincode definition `_lifecycle` recorded and the transactions
 * that set each key's policy; `_lifecycle` itself follows the channel's
 * LifecycleEndorsement policy.
 */
import { toHex } from '@clearance/core';
import type { ChannelConfig } from './config';
import { applicationOrganisations } from './config';
import {
  decodeApplicationPolicy,
  decodeCollections,
  decodeSignaturePolicyEnvelope,
  decodeStateDataBytes,
  decodeValidationInfo,
  type ApplicationPolicy,
  type MetadataEntry,
} from './fabric-messages';
import type { EndorserAction } from './ledger';
import type { ValidatedIdentity } from './msp';
import { encodeFields } from './protobuf';
import { applicationPolicyText, satisfiesApplicationPolicy } from './policy';
import type { Reason } from './report';

export const LIFECYCLE_NAMESPACE = '_lifecycle';
const LIFECYCLE_POLICY = '/Channel/Application/LifecycleEndorsement';
/** peer.MetaDataKeys.VALIDATION_PARAMETER: where a key's own endorsement policy is kept. */
export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';
const IMPLICIT_COLLECTION = /^_implicit_org_(.+)$/;

export const definitionKey = (chaincode: string, field: string) =>
  `namespaces/fields/${chaincode}/${field}`;

export interface Position {
  block: bigint;
  index: number;
}

/** What the bundle's sources say was in force before a position. */
export interface PolicySources {
  /** The value a key held (the last write before `before`), or undefined if unknown. */
  value(namespace: string, key: string, before: Position): Uint8Array | undefined;
  /**
   * A key's validation parameter before `before`: the bytes, null when the last change
   * cleared it, undefined when no source names the key (it never had one). `sameBlock` tells
   * that the change was made earlier in the same block (Fabric invalidates such a write).
   */
  keyPolicy(
    namespace: string,
    collection: string,
    key: string,
    before: Position,
  ): { parameter: Uint8Array | null; sameBlock: boolean } | undefined;
}

export type PolicyOutcome =
  { ok: true; policies: string[] } | { ok: false; reason: Reason; detail: string };

const fail = (reason: Reason, detail: string): PolicyOutcome => ({ ok: false, reason, detail });

/** An orderer-independent "any member of the organisation" policy (implicit collections). */
function anyMemberOf(mspId: string): ApplicationPolicy {
  const role = encodeFields([
    { number: 1, text: mspId },
    { number: 2, int: 0 },
  ]);
  return {
    signaturePolicy: {
      version: 0,
      rule: { n: 1, rules: [{ signedBy: 0 }] },
      identities: [{ classification: 0, principal: role }],
    },
  };
}

interface NamespacePolicies {
  chaincode: ApplicationPolicy;
  collection(name: string): ApplicationPolicy | undefined | 'unknown';
}

function namespacePolicies(
  config: ChannelConfig,
  sources: PolicySources,
  namespace: string,
  at: Position,
): NamespacePolicies | PolicyOutcome {
  if (namespace === LIFECYCLE_NAMESPACE) {
    const orgs = applicationOrganisations(config);
    return {
      chaincode: { channelConfigPolicyReference: LIFECYCLE_POLICY },
      collection: (name) => {
        const mspId = IMPLICIT_COLLECTION.exec(name)?.[1];
        const org = mspId && orgs.get(mspId);
        if (!mspId || !org) return 'unknown';
        const path = `/Channel/Application/${org}/Endorsement`;
        return config.policies.policyAt(path)
          ? { channelConfigPolicyReference: path }
          : anyMemberOf(mspId);
      },
    };
  }
  const info = sources.value(LIFECYCLE_NAMESPACE, definitionKey(namespace, 'ValidationInfo'), at);
  if (!info)
    return fail('POLICY_SOURCE_MISSING', `no chaincode definition of ${namespace} in the bundle`);
  let chaincode: ApplicationPolicy | undefined;
  try {
    const validation = decodeValidationInfo(decodeStateDataBytes(info));
    if (validation.plugin !== 'vscc')
      return fail(
        'UNSUPPORTED_VALIDATION_PLUGIN',
        `${namespace} validates with ${validation.plugin}`,
      );
    chaincode = decodeApplicationPolicy(validation.parameter);
  } catch {
    chaincode = undefined;
  }
  if (!chaincode)
    return fail('POLICY_SOURCE_INVALID', `the definition of ${namespace} has no readable policy`);
  const collections = sources.value(
    LIFECYCLE_NAMESPACE,
    definitionKey(namespace, 'Collections'),
    at,
  );
  return {
    chaincode,
    collection: (name) => {
      const orgs = applicationOrganisations(config);
      const mspId = IMPLICIT_COLLECTION.exec(name)?.[1];
      if (mspId) {
        const org = orgs.get(mspId);
        if (!org) return 'unknown';
        const path = `/Channel/Application/${org}/Endorsement`;
        return config.policies.policyAt(path)
          ? { channelConfigPolicyReference: path }
          : anyMemberOf(mspId);
      }
      if (!collections) return 'unknown';
      try {
        const found = decodeCollections(decodeStateDataBytes(collections)).find(
          (c) => c.name === name,
        );
        if (!found) return 'unknown';
        return found.endorsementPolicy
          ? decodeApplicationPolicy(found.endorsementPolicy)
          : undefined;
      } catch {
        return 'unknown';
      }
    },
  };
}

const validationParameter = (entries: MetadataEntry[]) =>
  entries.find((e) => e.name === VALIDATION_PARAMETER)?.value;

/**
 * Whether the endorsers (validated identities whose signatures over the proposal response
 * verify, each once) satisfy every policy the transaction's writes call for.
 */
export async function evaluateEndorsementPolicies(
  config: ChannelConfig,
  sources: PolicySources,
  action: EndorserAction,
  at: Position,
  endorsers: ValidatedIdentity[],
): Promise<PolicyOutcome> {
  const invoked = action.chaincode;
  if (!invoked || invoked !== action.chaincodeAction.chaincodeId?.name)
    return fail('INVALID_CHAINCODE', 'the chaincode invoked and the one that answered differ');
  const namespaces = new Set([invoked]);
  const seen = new Set<string>();
  for (const ns of action.writes) {
    if (seen.has(ns.namespace)) return fail('INVALID_CHAINCODE', `namespace ${ns.namespace} twice`);
    seen.add(ns.namespace);
    const writes =
      ns.writes.length > 0 ||
      ns.metadataWrites.length > 0 ||
      ns.collections.some((c) => c.writes.length > 0 || c.metadataWrites.length > 0);
    if (writes) namespaces.add(ns.namespace);
  }
  const checked: string[] = [];
  for (const namespace of namespaces) {
    const policies = namespacePolicies(config, sources, namespace, at);
    if ('ok' in policies) return policies;
    const satisfied = async (policy: ApplicationPolicy, what: string) => {
      const text = `${what}: ${applicationPolicyText(config.policies, policy)}`;
      if (await satisfiesApplicationPolicy(config.policies, config.msps, policy, endorsers)) {
        checked.push(text);
        return undefined;
      }
      return fail('POLICY_NOT_SATISFIED', `${text} is not satisfied by ${endorserText(endorsers)}`);
    };
    const done = new Set<string>(); // chaincode ('') and collection policies already evaluated
    let someChecked = false;
    const ccOrCollection = async (collection: string) => {
      if (collection !== '' && !done.has(collection)) {
        const policy = policies.collection(collection);
        if (policy === 'unknown')
          return fail('UNKNOWN_COLLECTION', `collection ${collection} of ${namespace}`);
        if (policy) {
          const failed = await satisfied(policy, `collection ${namespace}/${collection}`);
          if (failed) return failed;
          done.add(collection);
          someChecked = true;
          return undefined;
        }
      }
      if (collection !== '' && done.has(collection)) return undefined;
      if (done.has('')) return undefined;
      const failed = await satisfied(policies.chaincode, `chaincode ${namespace}`);
      if (failed) return failed;
      done.add('');
      someChecked = true;
      return undefined;
    };
    const key = async (collection: string, k: string, label: string) => {
      const found = sources.keyPolicy(namespace, collection, k, at);
      if (found?.sameBlock)
        return fail('POLICY_NOT_SATISFIED', `the policy of ${label} changed earlier in this block`);
      if (!found?.parameter || found.parameter.length === 0) return ccOrCollection(collection);
      let policy: ApplicationPolicy;
      try {
        policy = { signaturePolicy: decodeSignaturePolicyEnvelope(found.parameter) };
      } catch {
        return fail('POLICY_SOURCE_INVALID', `the key-level policy of ${label} is unreadable`);
      }
      const failed = await satisfied(policy, `key ${label}`);
      if (!failed) someChecked = true;
      return failed;
    };
    for (const ns of action.writes.filter((n) => n.namespace === namespace)) {
      for (const w of [...ns.writes, ...ns.metadataWrites]) {
        const failed = await key('', w.key, printable(w.key));
        if (failed) return failed;
      }
      for (const c of ns.collections) {
        for (const w of [...c.writes, ...c.metadataWrites]) {
          const hash = toHex(w.keyHash);
          const failed = await key(c.collection, hash, `${c.collection}#${hash.slice(0, 12)}`);
          if (failed) return failed;
        }
      }
    }
    if (!someChecked) {
      const failed = await satisfied(policies.chaincode, `chaincode ${namespace}`);
      if (failed) return failed;
    }
  }
  return { ok: true, policies: [...new Set(checked)] };
}

/** A composite key with its separators shown (\u0000declaration\u0000ID\u0000 → declaration/ID). */
export function printable(key: string): string {
  return key.startsWith('\u0000') ? key.split('\u0000').filter(Boolean).join('/') : key;
}

function endorserText(endorsers: ValidatedIdentity[]): string {
  if (endorsers.length === 0) return 'no endorser';
  return endorsers
    .map((e) => `${e.mspId}${e.identity?.ous.includes('peer') ? ' peer' : ''}`)
    .join(', ');
}

export { validationParameter };
