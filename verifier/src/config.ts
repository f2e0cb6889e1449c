/**
 * A channel configuration as a configuration block carries it: the organisations' MSPs
 * (Application and Orderer groups), the policies, the sequence. And Fabric's rule for a new
 * configuration (common/configtx): its last update must read the current versions, bump
 * each changed element by one, be signed to satisfy each changed element's mod_policy, and
 * produce exactly the new configuration.
 */
import {
  decodeConfigUpdate,
  decodeConfigUpdateEnvelope,
  decodeMspConfig,
  decodeSignatureHeader,
  type ConfigEnvelope,
  type ConfigGroup,
  type ConfigPolicy,
  type ConfigValue,
} from './fabric-messages';
import { concat } from './crypto';
import { MspManager, mspFromConfig, type Msp } from './msp';
import { PolicyTree, signersOf, type SignedData } from './policy';
import { decodeEnvelope, decodePayload } from './fabric-messages';

export interface ChannelConfig {
  channelId: string;
  sequence: bigint;
  root: ConfigGroup;
  msps: MspManager;
  policies: PolicyTree;
  /** Block number of the configuration block that carries it, and that block's header hash. */
  blockNumber: bigint;
  blockHash: string;
}

/** Groups whose sub-groups are organisations with an MSP. */
const ORGANISATION_GROUPS = ['Application', 'Orderer'];

export async function channelConfig(
  channelId: string,
  envelope: ConfigEnvelope,
  block: { number: bigint; hash: string },
): Promise<ChannelConfig> {
  const msps = new Map<string, Msp>();
  for (const section of ORGANISATION_GROUPS) {
    for (const org of envelope.channelGroup.groups.get(section)?.groups.values() ?? []) {
      const value = org.values.get('MSP');
      if (!value) continue;
      const config = decodeMspConfig(value.value);
      if (!config) continue;
      msps.set(config.name, await mspFromConfig(config));
    }
  }
  const manager = new MspManager(msps);
  return {
    channelId,
    sequence: envelope.sequence,
    root: envelope.channelGroup,
    msps: manager,
    policies: new PolicyTree(envelope.channelGroup, manager),
    blockNumber: block.number,
    blockHash: block.hash,
  };
}

/** The application organisations: MSP id → name of its group. */
export function applicationOrganisations(config: ChannelConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, org] of config.root.groups.get('Application')?.groups ?? []) {
    const value = org.values.get('MSP');
    const msp = value && decodeMspConfig(value.value);
    if (msp) out.set(msp.name, name);
  }
  return out;
}

// --- configuration updates (common/configtx) ---------------------------------------------

type Element =
  | { kind: 'group'; path: string[]; key: string; group: ConfigGroup }
  | { kind: 'value'; path: string[]; key: string; value: ConfigValue }
  | { kind: 'policy'; path: string[]; key: string; policy: ConfigPolicy };

const versionOf = (e: Element): bigint =>
  e.kind === 'group' ? e.group.version : e.kind === 'value' ? e.value.version : e.policy.version;
const modPolicyOf = (e: Element): string =>
  e.kind === 'group'
    ? e.group.modPolicy
    : e.kind === 'value'
      ? e.value.modPolicy
      : e.policy.modPolicy;

const CONFIG_ID = /^[a-zA-Z0-9.-]+$/;

/** Flattens a configuration tree into its elements by full path, as configtx.mapConfig does. */
function mapConfig(root: ConfigGroup): Map<string, Element> {
  const out = new Map<string, Element>();
  const add = (e: Element, prefix: string) => {
    if (!CONFIG_ID.test(e.key) || e.key.length > 249 || e.key === '.' || e.key === '..')
      throw new Error(`illegal config key ${JSON.stringify(e.key)}`);
    out.set(`${prefix}/${[...e.path, e.key].join('/')}`, e);
  };
  const walk = (path: string[], key: string, group: ConfigGroup) => {
    add({ kind: 'group', path, key, group }, '[Group]');
    const here = [...path, key];
    for (const [k, g] of group.groups) walk(here, k, g);
    for (const [k, value] of group.values)
      add({ kind: 'value', path: here, key: k, value }, '[Value]');
    for (const [k, policy] of group.policies)
      add({ kind: 'policy', path: here, key: k, policy }, '[Policy]');
  };
  walk([], 'Channel', root);
  return out;
}

/** The policy a changed element's mod_policy names: relative to its group, or absolute. */
function modPolicyPath(e: Element): string {
  const modPolicy = modPolicyOf(e);
  if (modPolicy.startsWith('/')) return modPolicy;
  const group = e.kind === 'group' ? [...e.path, e.key] : e.path;
  return `/${[...group, modPolicy].join('/')}`;
}

/** Rebuilds the tree from a flat map (configtx.configMapToConfig). */
function toTree(map: Map<string, Element>, path: string[]): ConfigGroup {
  const here = path.join('/');
  const element = map.get(`[Group]/${here}`);
  if (!element || element.kind !== 'group') throw new Error(`missing group /${here}`);
  const hackyUpgrade = map.has('[Value]/Channel/Orderer/Capabilities');
  const fix = (modPolicy: string) => (hackyUpgrade && modPolicy === '' ? 'Admins' : modPolicy);
  const group: ConfigGroup = {
    version: element.group.version,
    modPolicy: fix(element.group.modPolicy),
    groups: new Map(),
    values: new Map(),
    policies: new Map(),
  };
  for (const key of element.group.groups.keys()) group.groups.set(key, toTree(map, [...path, key]));
  for (const key of element.group.values.keys()) {
    const v = map.get(`[Value]/${here}/${key}`);
    if (!v || v.kind !== 'value') throw new Error(`missing value /${here}/${key}`);
    group.values.set(key, { ...v.value, modPolicy: fix(v.value.modPolicy) });
  }
  for (const key of element.group.policies.keys()) {
    const p = map.get(`[Policy]/${here}/${key}`);
    if (!p || p.kind !== 'policy') throw new Error(`missing policy /${here}/${key}`);
    group.policies.set(key, { ...p.policy, modPolicy: fix(p.policy.modPolicy) });
  }
  return group;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** proto.Equal of two configuration groups (maps by key, bytes by value). */
export function sameConfig(a: ConfigGroup, b: ConfigGroup): boolean {
  if (a.version !== b.version || a.modPolicy !== b.modPolicy) return false;
  const sameKeys = (x: Map<string, unknown>, y: Map<string, unknown>) =>
    x.size === y.size && [...x.keys()].every((k) => y.has(k));
  if (!sameKeys(a.groups, b.groups) || !sameKeys(a.values, b.values)) return false;
  if (!sameKeys(a.policies, b.policies)) return false;
  for (const [k, g] of a.groups) if (!sameConfig(g, b.groups.get(k) as ConfigGroup)) return false;
  for (const [k, v] of a.values) {
    const w = b.values.get(k) as ConfigValue;
    if (v.version !== w.version || v.modPolicy !== w.modPolicy || !sameBytes(v.value, w.value))
      return false;
  }
  for (const [k, p] of a.policies) {
    const q = b.policies.get(k) as ConfigPolicy;
    if (p.version !== q.version || p.modPolicy !== q.modPolicy) return false;
    if ((p.policy === undefined) !== (q.policy === undefined)) return false;
    if (p.policy && q.policy) {
      if (p.policy.type !== q.policy.type || !sameBytes(p.policy.value, q.policy.value))
        return false;
    }
  }
  return true;
}

export type UpdateFault =
  | 'UPDATE_MALFORMED'
  | 'UPDATE_WRONG_CHANNEL'
  | 'UPDATE_STALE_READ'
  | 'UPDATE_BAD_VERSION'
  | 'UPDATE_NOT_AUTHORISED'
  | 'UPDATE_RESULT_DIFFERS'
  | 'UPDATE_EMPTY';

/**
 * Whether `next` (a new configuration) follows from `current` by its last update, as
 * configtx.ValidatorImpl.Validate decides: undefined when it does, else why not (and what).
 */
export async function checkConfigUpdate(
  current: ChannelConfig,
  next: ConfigEnvelope,
): Promise<{ fault: UpdateFault; detail: string } | undefined> {
  let update;
  let signatures: SignedData[];
  try {
    const payload = decodePayload(decodeEnvelope(next.lastUpdate).payload);
    const envelope = decodeConfigUpdateEnvelope(payload.data);
    update = decodeConfigUpdate(envelope.configUpdate);
    signatures = envelope.signatures.map((s) => ({
      identity: decodeSignatureHeader(s.signatureHeader).creator,
      data: concat(s.signatureHeader, envelope.configUpdate),
      signature: s.signature,
    }));
  } catch (error) {
    return { fault: 'UPDATE_MALFORMED', detail: String(error) };
  }
  if (update.channelId !== current.channelId)
    return { fault: 'UPDATE_WRONG_CHANNEL', detail: `update for channel ${update.channelId}` };
  let existing, readSet, writeSet;
  try {
    existing = mapConfig(current.root);
    readSet = update.readSet ? mapConfig(update.readSet) : new Map<string, Element>();
    writeSet = update.writeSet ? mapConfig(update.writeSet) : new Map<string, Element>();
  } catch (error) {
    return { fault: 'UPDATE_MALFORMED', detail: String(error) };
  }
  for (const [key, read] of readSet) {
    const now = existing.get(key);
    if (!now || versionOf(now) !== versionOf(read))
      return { fault: 'UPDATE_STALE_READ', detail: `${key} read at version ${versionOf(read)}` };
  }
  const delta = [...writeSet].filter(([key, w]) => {
    const r = readSet.get(key);
    return !(r && versionOf(r) === versionOf(w));
  });
  if (delta.length === 0) return { fault: 'UPDATE_EMPTY', detail: 'the update changes nothing' };
  const signers = await signersOf(current.msps, signatures);
  for (const [key, element] of delta) {
    if (modPolicyOf(element) === '')
      return { fault: 'UPDATE_BAD_VERSION', detail: `${key} has no mod_policy` };
    const now = existing.get(key);
    if (!now) {
      if (versionOf(element) !== 0n)
        return {
          fault: 'UPDATE_BAD_VERSION',
          detail: `new ${key} at version ${versionOf(element)}`,
        };
      continue;
    }
    if (versionOf(element) !== versionOf(now) + 1n)
      return { fault: 'UPDATE_BAD_VERSION', detail: `${key} to version ${versionOf(element)}` };
    const path = modPolicyPath(now);
    if (!(await current.policies.satisfiedAt(path, signers)))
      return { fault: 'UPDATE_NOT_AUTHORISED', detail: `${key}: ${path} not satisfied` };
  }
  const result = new Map(existing);
  for (const [key, element] of delta) result.set(key, element);
  try {
    if (!sameConfig(toTree(result, ['Channel']), next.channelGroup))
      return { fault: 'UPDATE_RESULT_DIFFERS', detail: 'the update does not produce this config' };
  } catch (error) {
    return { fault: 'UPDATE_RESULT_DIFFERS', detail: String(error) };
  }
  return undefined;
}
