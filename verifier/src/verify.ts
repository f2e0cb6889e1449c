/**
 * The verifier: every check a bundle must pass, from the pinned genesis block through the
 * configuration chain to the blocks, the transactions, their endorsements and policies,
 * the statements of validity and the facts. Each check is named and answers VALID,
 * INVALID or SKIPPED with a reason; the bundle is valid only when all are VALID. Pure: no
 * network, no clock; what it trusts is the trust root it is given.
 */
import { canonicalJson, toHex } from '@clearance/core';
import { claimsDigest, judgeValidity } from './attestation';
import {
  BUNDLE_VERSION,
  BundleSchema,
  TrustRootSchema,
  type Bundle,
  type Facts,
  type TrustRoot,
} from './bundle';
import { channelConfig, checkConfigUpdate, type ChannelConfig } from './config';
import { concat, sha256, verifyFabricSignature } from './crypto';
import {
  LIFECYCLE_NAMESPACE,
  VALIDATION_PARAMETER,
  evaluateEndorsementPolicies,
  type PolicySources,
  type Position,
} from './endorsement-policy';
import { factsOf, type SubjectTransaction } from './facts';
import { HEADER_TYPE, decodeConfigEnvelope, decodeSignatureHeader } from './fabric-messages';
import {
  blockOrder,
  dataHashOf,
  decodeBlockJson,
  decodeEndorserAction,
  decodeEnvelopeBytes,
  type DecodedBlock,
  type DecodedTransaction,
  type EndorserAction,
} from './ledger';
import type { ValidatedIdentity } from './msp';
import { signersOf } from './policy';
import { CHECKS, type CheckId, type CheckResult, type Reason } from './report';

export interface VerifyOptions {
  /** The declaration (release bundles) or crossing the bundle must be about. */
  expect?: { declarationId?: string; crossingId?: string };
}

export interface VerificationReport {
  valid: boolean;
  checks: CheckResult[];
  /** The facts, once every check is VALID. */
  facts?: Facts;
  /** The first check that is not VALID, in the order of CHECKS. */
  failed?: CheckResult;
  trustRoot?: TrustRoot;
}

class Results {
  readonly list: CheckResult[] = [];
  valid(check: CheckId, target: string, detail?: string) {
    this.list.push({ check, target, status: 'VALID', ...(detail ? { detail } : {}) });
  }
  invalid(check: CheckId, target: string, reason: Reason, detail?: string) {
    this.list.push({ check, target, status: 'INVALID', reason, ...(detail ? { detail } : {}) });
  }
  skipped(check: CheckId, target: string, reason: Reason, detail?: string) {
    this.list.push({ check, target, status: 'SKIPPED', reason, ...(detail ? { detail } : {}) });
  }
}

function report(results: Results, facts?: Facts, trustRoot?: TrustRoot): VerificationReport {
  const checks = results.list;
  const order = (c: CheckResult) => CHECKS.indexOf(c.check);
  const failed = [...checks].sort((a, b) => order(a) - order(b)).find((c) => c.status !== 'VALID');
  const valid = checks.length > 0 && !failed;
  return {
    valid,
    checks,
    ...(valid && facts ? { facts } : {}),
    ...(failed ? { failed } : {}),
    ...(trustRoot ? { trustRoot } : {}),
  };
}

/** Verifies a bundle (parsed JSON) against a trust root (parsed JSON). */
export async function verifyBundle(
  bundleInput: unknown,
  trustRootInput: unknown,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const results = new Results();
  const root = TrustRootSchema.safeParse(trustRootInput);
  if (!root.success) {
    results.invalid('bundle.format', 'trust root', 'TRUST_ROOT_MALFORMED', root.error.message);
    return report(results);
  }
  const trustRoot = root.data;
  const parsed = BundleSchema.safeParse(bundleInput);
  if (!parsed.success) {
    const version = (bundleInput as { version?: unknown } | null)?.version;
    const unsupported = typeof version === 'number' && version !== BUNDLE_VERSION;
    results.invalid(
      'bundle.format',
      'bundle',
      unsupported ? 'UNSUPPORTED_VERSION' : 'BUNDLE_MALFORMED',
      unsupported ? `version ${version}` : summarise(parsed.error.issues),
    );
    return report(results, undefined, trustRoot);
  }
  results.valid('bundle.format', 'bundle');
  const bundle = parsed.data;
  if (bundle.channel !== trustRoot.channel)
    results.invalid(
      'configuration.root',
      'bundle',
      'CHANNEL_MISMATCH',
      `channel ${bundle.channel}`,
    );
  const configs = await verifyConfigurationChain(bundle, trustRoot, results);
  const blocks = await verifyBlocks(bundle, configs, results);
  const subjects = await verifyTransactions(bundle, trustRoot, configs, blocks, results);
  let facts: Facts | undefined;
  if (subjects) facts = await checkFacts(bundle, trustRoot, subjects, options, results);
  else results.skipped('facts', 'facts', 'PREREQUISITE_FAILED', 'a subject transaction failed');
  return report(results, facts, trustRoot);
}

function summarise(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

// --- configuration --------------------------------------------------------------------------

/** Configurations by the number of the block that carries them (undefined: none usable). */
type Configs = Map<bigint, ChannelConfig>;

async function verifyConfigurationChain(
  bundle: Bundle,
  trustRoot: TrustRoot,
  results: Results,
): Promise<Configs> {
  const configs: Configs = new Map();
  const target = 'configuration';
  let chainFault: [Reason, string] | undefined;
  let signatureFault: [Reason, string] | undefined;
  let updateFault: [Reason, string] | undefined;
  let previous: { block: DecodedBlock; config: ChannelConfig } | undefined;
  for (const json of bundle.configuration) {
    const label = `configuration block ${json.number}`;
    let block: DecodedBlock;
    let tx: DecodedTransaction;
    let envelope;
    try {
      block = await decodeBlockJson(json);
      if (block.data.length !== 1) throw new Error('a configuration block holds one envelope');
      tx = decodeEnvelopeBytes(block.data[0] as Uint8Array);
      if (tx.channelHeader.type !== HEADER_TYPE.CONFIG) {
        chainFault ??= ['NOT_A_CONFIG_BLOCK', label];
        break;
      }
      envelope = decodeConfigEnvelope(tx.payloadData);
    } catch (error) {
      chainFault ??= ['BLOCK_MALFORMED', `${label}: ${String(error)}`];
      break;
    }
    if (!previous) {
      if (block.number !== 0n || block.hash !== trustRoot.genesisBlockHash) {
        results.invalid(
          'configuration.root',
          target,
          'ROOT_MISMATCH',
          `block ${block.number} hash ${block.hash} is not the pinned genesis block ${trustRoot.genesisBlockHash}`,
        );
      } else results.valid('configuration.root', target, `genesis block ${block.hash}`);
    }
    if (tx.channelHeader.channelId !== trustRoot.channel) {
      chainFault ??= ['CHANNEL_MISMATCH', `${label} is of channel ${tx.channelHeader.channelId}`];
      break;
    }
    if (toHex(await dataHashOf(block)) !== toHex(block.header.dataHash)) {
      chainFault ??= ['DATA_HASH_MISMATCH', label];
      break;
    }
    if (previous) {
      if (
        block.number <= previous.block.number ||
        envelope.sequence !== previous.config.sequence + 1n
      ) {
        chainFault ??= ['CONFIG_SEQUENCE_GAP', `${label} has sequence ${envelope.sequence}`];
        break;
      }
      if (block.signatures?.lastConfig !== block.number) {
        chainFault ??= ['NOT_A_CONFIG_BLOCK', `${label} names ${block.signatures?.lastConfig}`];
        break;
      }
      const prior = previous.config;
      const signed = await unreadable(() => ordererSignatures(block, prior));
      if (signed) signatureFault ??= [signed[0], `${label}: ${signed[1]}`];
      const update = await checkConfigUpdate(previous.config, envelope);
      if (update) updateFault ??= [update.fault, `${label}: ${update.detail}`];
    }
    let config: ChannelConfig;
    try {
      config = await channelConfig(trustRoot.channel, envelope, block.number);
    } catch (error) {
      chainFault ??= ['BLOCK_MALFORMED', `${label}: ${String(error)}`];
      break;
    }
    configs.set(block.number, config);
    previous = { block, config };
  }
  if (!results.list.some((r) => r.check === 'configuration.root'))
    results.invalid('configuration.root', target, 'ROOT_MISMATCH', 'no genesis block');
  const outcome = (check: CheckId, fault: [Reason, string] | undefined, ok: string) =>
    fault ? results.invalid(check, target, fault[0], fault[1]) : results.valid(check, target, ok);
  const last = previous ? `up to block ${previous.block.number}` : 'none';
  outcome('configuration.chain', chainFault, `${configs.size} configuration blocks ${last}`);
  outcome('configuration.signatures', signatureFault, 'each signed under the one before');
  outcome('configuration.updates', updateFault, 'each authorised by the one before');
  return configs;
}

/** A check's fault, with anything it could not read as BLOCK_MALFORMED. */
async function unreadable(
  check: () => Promise<[Reason, string] | undefined>,
): Promise<[Reason, string] | undefined> {
  try {
    return await check();
  } catch (error) {
    return ['BLOCK_MALFORMED', String(error)];
  }
}

/** Checks a block's orderer signatures under a configuration; the fault, or undefined. */
async function ordererSignatures(
  block: DecodedBlock,
  config: ChannelConfig,
): Promise<[Reason, string] | undefined> {
  const signed = block.signatures;
  if (!signed || signed.items.length === 0) return ['NOT_SIGNED', 'no orderer signature'];
  const signatures = signed.items.map((s) => ({
    identity: decodeSignatureHeader(s.signatureHeader).creator,
    data: concat(signed.value, s.signatureHeader, block.headerBytes),
    signature: s.signature,
  }));
  for (const s of signatures) {
    const who = await config.msps.identity(s.identity);
    if (who.fault !== undefined || !who.identity)
      return ['ORDERER_NOT_IN_MSP', `${who.mspId || 'unknown'}: ${who.fault}`];
    const outcome = await verifyFabricSignature(who.identity.certificate, s.data, s.signature);
    if (outcome !== 'VALID') return ['ORDERER_SIGNATURE_INVALID', `${who.mspId}: ${outcome}`];
  }
  const signers = await signersOf(config.msps, signatures);
  const path = '/Channel/Orderer/BlockValidation';
  if (!(await config.policies.satisfiedAt(path, signers)))
    return ['BLOCK_POLICY_NOT_SATISFIED', `${path} = ${config.policies.describe(path)}`];
  return undefined;
}

// --- blocks ---------------------------------------------------------------------------------

interface VerifiedBlock {
  block: DecodedBlock;
  config?: ChannelConfig;
}

async function verifyBlocks(
  bundle: Bundle,
  configs: Configs,
  results: Results,
): Promise<Map<string, VerifiedBlock>> {
  const out = new Map<string, VerifiedBlock>();
  for (const json of bundle.blocks) {
    const target = `block ${json.number}`;
    let block: DecodedBlock;
    try {
      block = await decodeBlockJson(json);
    } catch (error) {
      results.invalid('block.data-hash', target, 'BLOCK_MALFORMED', String(error));
      results.skipped('block.orderer-signatures', target, 'PREREQUISITE_FAILED');
      continue;
    }
    if (toHex(await dataHashOf(block)) === toHex(block.header.dataHash))
      results.valid('block.data-hash', target);
    else results.invalid('block.data-hash', target, 'DATA_HASH_MISMATCH');
    const config = block.signatures && configs.get(block.signatures.lastConfig);
    if (!block.signatures) results.invalid('block.orderer-signatures', target, 'NOT_SIGNED');
    else if (!config)
      results.invalid(
        'block.orderer-signatures',
        target,
        'CONFIG_NOT_IN_BUNDLE',
        `configuration block ${block.signatures.lastConfig}`,
      );
    else {
      const fault = await unreadable(() => ordererSignatures(block, config));
      if (fault) results.invalid('block.orderer-signatures', target, fault[0], fault[1]);
      else
        results.valid(
          'block.orderer-signatures',
          target,
          `under configuration block ${config.blockNumber}`,
        );
    }
    out.set(json.number, { block, config });
  }
  return out;
}

// --- transactions ---------------------------------------------------------------------------

interface Located {
  ref: Bundle['transactions'][number];
  position: Position;
  tx: DecodedTransaction;
  action: EndorserAction;
  block: VerifiedBlock;
}

async function verifyTransactions(
  bundle: Bundle,
  trustRoot: TrustRoot,
  configs: Configs,
  blocks: Map<string, VerifiedBlock>,
  results: Results,
): Promise<SubjectTransaction[] | undefined> {
  const located: Located[] = [];
  const seen = new Set<string>();
  for (const ref of bundle.transactions) {
    const target = `transaction ${ref.id.slice(0, 16)}… (${ref.role})`;
    const found = locate(ref, blocks, trustRoot, seen);
    if ('reason' in found) {
      results.invalid('transaction.in-block', target, found.reason, found.detail);
      for (const check of TX_CHECKS) results.skipped(check, target, 'PREREQUISITE_FAILED');
      continue;
    }
    results.valid('transaction.in-block', target, `block ${ref.block} position ${ref.index}`);
    located.push(found);
  }
  const sources = policySources(bundle, located);
  const subjects: SubjectTransaction[] = [];
  let complete = true;
  for (const item of located) {
    const target = `transaction ${item.ref.id.slice(0, 16)}… (${item.ref.role})`;
    const config = item.block.config;
    if (!config) {
      for (const check of TX_CHECKS)
        results.skipped(check, target, 'CONFIG_NOT_IN_BUNDLE', 'no configuration for its block');
      complete = false;
      continue;
    }
    // Whatever a check cannot read makes that check INVALID; it never stops the others.
    const guarded = async <T>(check: CheckId, run: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        results.invalid(check, target, 'TX_MALFORMED', String(error));
        return fallback;
      }
    };
    const creator = await guarded(
      'transaction.creator',
      () => checkCreator(item, config, results, target),
      undefined,
    );
    await guarded(
      'transaction.proposal-hash',
      () => checkProposalHash(item, results, target),
      undefined,
    );
    const endorsers = await guarded(
      'transaction.endorsements',
      () => checkEndorsements(item, config, results, target),
      [],
    );
    const policy = await guarded(
      'transaction.endorsement-policy',
      () => evaluateEndorsementPolicies(config, sources, item.action, item.position, endorsers),
      undefined,
    );
    if (policy?.ok)
      results.valid('transaction.endorsement-policy', target, policy.policies.join('; '));
    else if (policy)
      results.invalid('transaction.endorsement-policy', target, policy.reason, policy.detail);
    const validity = await guarded(
      'transaction.validity',
      () =>
        judgeValidity(trustRoot, config, bundle.attestations, {
          transactionId: item.ref.id,
          blockNumber: item.position.block,
          blockHash: item.block.block.hash,
        }),
      undefined,
    );
    if (!validity) continue;
    if (validity.ok)
      results.valid(
        'transaction.validity',
        target,
        `VALID, stated by ${validity.attesters.join(', ')}`,
      );
    else results.invalid('transaction.validity', target, validity.reason, validity.detail);
    if (item.ref.role === 'subject')
      subjects.push({
        id: item.ref.id,
        action: item.action,
        creatorMsp: creator ?? '',
        time: item.tx.channelHeader.timestamp,
      });
  }
  return complete && subjects.length > 0 && subjects.length === countSubjects(bundle)
    ? subjects
    : undefined;
}

const countSubjects = (bundle: Bundle) =>
  bundle.transactions.filter((t) => t.role === 'subject').length;

const TX_CHECKS: CheckId[] = [
  'transaction.creator',
  'transaction.proposal-hash',
  'transaction.endorsements',
  'transaction.endorsement-policy',
  'transaction.validity',
];

function locate(
  ref: Bundle['transactions'][number],
  blocks: Map<string, VerifiedBlock>,
  trustRoot: TrustRoot,
  seen: Set<string>,
): Located | { reason: Reason; detail: string } {
  if (seen.has(ref.id)) return { reason: 'TX_NOT_IN_BLOCK', detail: 'listed twice' };
  seen.add(ref.id);
  const block = blocks.get(ref.block);
  const bytes = block?.block.data[ref.index];
  if (!block || !bytes)
    return { reason: 'TX_NOT_IN_BLOCK', detail: `no block ${ref.block} position ${ref.index}` };
  let tx: DecodedTransaction;
  let action: EndorserAction;
  try {
    tx = decodeEnvelopeBytes(bytes);
    if (tx.channelHeader.txId !== ref.id)
      return {
        reason: 'TX_NOT_IN_BLOCK',
        detail: `position ${ref.index} holds ${tx.channelHeader.txId}`,
      };
    if (tx.channelHeader.channelId !== trustRoot.channel)
      return { reason: 'CHANNEL_MISMATCH', detail: `channel ${tx.channelHeader.channelId}` };
    if (tx.channelHeader.type !== HEADER_TYPE.ENDORSER_TRANSACTION || tx.channelHeader.epoch !== 0n)
      return { reason: 'NOT_AN_ENDORSER_TRANSACTION', detail: `type ${tx.channelHeader.type}` };
    action = decodeEndorserAction(tx);
  } catch (error) {
    return { reason: 'TX_MALFORMED', detail: String(error) };
  }
  return { ref, position: { block: BigInt(ref.block), index: ref.index }, tx, action, block };
}

const certValidAt = (identity: ValidatedIdentity, at: Date) => {
  const cert = identity.identity?.certificate;
  return (
    !!cert && cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime()
  );
};

async function checkCreator(
  item: Located,
  config: ChannelConfig,
  results: Results,
  target: string,
): Promise<string | undefined> {
  const { creator, nonce } = item.tx.signatureHeader;
  const expected = toHex(await sha256(concat(nonce, creator)));
  if (nonce.length === 0 || expected !== item.tx.channelHeader.txId) {
    results.invalid(
      'transaction.creator',
      target,
      'TX_ID_MISMATCH',
      'not SHA-256(nonce || creator)',
    );
    return undefined;
  }
  const who = await config.msps.identity(creator);
  if (who.fault !== undefined || !who.identity) {
    results.invalid(
      'transaction.creator',
      target,
      'CREATOR_NOT_IN_MSP',
      `${who.mspId}: ${who.fault}`,
    );
    return undefined;
  }
  const time = item.tx.channelHeader.timestamp;
  if (!certValidAt(who, time)) {
    results.invalid('transaction.creator', target, 'CERT_NOT_VALID_AT_TIME', time.toISOString());
    return who.mspId;
  }
  const outcome = await verifyFabricSignature(
    who.identity.certificate,
    item.tx.envelope.payload,
    item.tx.envelope.signature,
  );
  if (outcome === 'VALID')
    results.valid(
      'transaction.creator',
      target,
      `${who.mspId}: ${who.identity.certificate.subject}`,
    );
  else
    results.invalid(
      'transaction.creator',
      target,
      outcome === 'HIGH_S' ? 'HIGH_S_SIGNATURE' : 'CREATOR_SIGNATURE_INVALID',
      who.mspId,
    );
  return who.mspId;
}

async function checkProposalHash(item: Located, results: Results, target: string): Promise<void> {
  const { action, tx } = item;
  const header = decodeSignatureHeader(action.actionHeader);
  const hash = await sha256(
    concat(tx.channelHeaderBytes, action.actionHeader, action.chaincodeProposalPayload),
  );
  if (header.nonce.length === 0 || header.creator.length === 0)
    results.invalid(
      'transaction.proposal-hash',
      target,
      'TX_MALFORMED',
      'action header incomplete',
    );
  else if (toHex(hash) !== toHex(action.proposalHash))
    results.invalid('transaction.proposal-hash', target, 'PROPOSAL_HASH_MISMATCH');
  else results.valid('transaction.proposal-hash', target);
}

async function checkEndorsements(
  item: Located,
  config: ChannelConfig,
  results: Results,
  target: string,
): Promise<ValidatedIdentity[]> {
  const { action } = item;
  const signed = action.endorsements.map((e) => ({
    identity: e.endorser,
    data: concat(action.proposalResponsePayloadBytes, e.endorser),
    signature: e.signature,
  }));
  const time = item.tx.channelHeader.timestamp;
  let fault: [Reason, string] | undefined;
  const names: string[] = [];
  if (signed.length === 0) fault = ['NO_ENDORSEMENTS', 'no endorsement'];
  for (const s of signed) {
    const who = await config.msps.identity(s.identity);
    if (who.fault !== undefined || !who.identity) {
      fault ??= ['ENDORSER_NOT_IN_MSP', `${who.mspId || 'unknown'}: ${who.fault}`];
      continue;
    }
    if (!certValidAt(who, time))
      fault ??= ['CERT_NOT_VALID_AT_TIME', `${who.mspId} at ${time.toISOString()}`];
    const outcome = await verifyFabricSignature(who.identity.certificate, s.data, s.signature);
    if (outcome !== 'VALID')
      fault ??= [
        outcome === 'HIGH_S' ? 'HIGH_S_SIGNATURE' : 'ENDORSEMENT_SIGNATURE_INVALID',
        who.mspId,
      ];
    names.push(who.mspId);
  }
  if (fault) results.invalid('transaction.endorsements', target, fault[0], fault[1]);
  else results.valid('transaction.endorsements', target, `endorsed by ${names.join(', ')}`);
  return signersOf(config.msps, signed);
}

/**
 * What the sources say: each must be a transaction of the bundle that wrote what it is cited
 * for; a later transaction sees the last such write before it.
 */
function policySources(bundle: Bundle, located: Located[]): PolicySources {
  const byId = new Map(located.map((l) => [l.ref.id, l]));
  interface Entry {
    position: Position;
    value?: Uint8Array;
    parameter?: Uint8Array | null;
  }
  const entries = new Map<string, Entry[]>();
  const keyOf = (kind: string, ns: string, coll: string, key: string) =>
    JSON.stringify([kind, ns, coll, key]);
  for (const s of bundle.sources) {
    const source = byId.get(s.transaction);
    if (!source) continue;
    const ns = source.action.writes.find((w) => w.namespace === s.namespace);
    const coll = s.collection ?? '';
    let entry: Entry | undefined;
    if (s.kind === 'value' && coll === '') {
      const write = ns?.writes.find((w) => w.key === s.key && !w.isDelete);
      if (write) entry = { position: source.position, value: write.value };
    } else if (s.kind === 'key-policy') {
      const collection = ns?.collections.find((c) => c.collection === coll);
      const metadata =
        coll === ''
          ? ns?.metadataWrites.find((w) => w.key === s.key)?.entries
          : collection?.metadataWrites.find((w) => toHex(w.keyHash) === s.key)?.entries;
      const deleted =
        coll === ''
          ? ns?.writes.some((w) => w.key === s.key && w.isDelete)
          : collection?.writes.some((w) => toHex(w.keyHash) === s.key && w.isDelete);
      if (metadata)
        entry = {
          position: source.position,
          parameter: metadata.find((e) => e.name === VALIDATION_PARAMETER)?.value ?? null,
        };
      else if (deleted) entry = { position: source.position, parameter: null };
    }
    if (!entry) continue; // a source that wrote nothing of the kind proves nothing
    const k = keyOf(s.kind, s.namespace, coll, s.key);
    entries.set(k, [...(entries.get(k) ?? []), entry]);
  }
  const latest = (k: string, before: Position) =>
    (entries.get(k) ?? [])
      .filter((e) => blockOrder(e.position, before) < 0)
      .sort((a, b) => blockOrder(a.position, b.position))
      .pop();
  return {
    value(namespace, key, before) {
      return latest(keyOf('value', namespace, '', key), before)?.value;
    },
    keyPolicy(namespace, collection, key, before) {
      const found = latest(keyOf('key-policy', namespace, collection, key), before);
      if (!found) return undefined;
      return {
        parameter: found.parameter ?? null,
        sameBlock: found.position.block === before.block && found.parameter !== null,
      };
    },
  };
}

export { LIFECYCLE_NAMESPACE };

// --- facts ----------------------------------------------------------------------------------

async function checkFacts(
  bundle: Bundle,
  trustRoot: TrustRoot,
  subjects: SubjectTransaction[],
  options: VerifyOptions,
  results: Results,
): Promise<Facts | undefined> {
  // Every statement names the claims it was made for: a changed fact, transaction reference
  // or source is one no organisation signed.
  const digest = await claimsDigest(bundle);
  const unsigned = bundle.attestations.filter((a) => a.statement.claims !== digest);
  if (bundle.attestations.length === 0 || unsigned.length > 0) {
    results.invalid(
      'facts',
      'facts',
      'CLAIMS_NOT_ATTESTED',
      unsigned.map((a) => a.signer.mspId).join(', ') || 'no statement',
    );
    return undefined;
  }
  const computed = factsOf(bundle.facts.kind, subjects, trustRoot.chaincode);
  if (!computed.ok) {
    results.invalid('facts', 'facts', computed.reason, computed.detail);
    return undefined;
  }
  if (canonicalJson(computed.facts) !== canonicalJson(bundle.facts)) {
    results.invalid(
      'facts',
      'facts',
      'FACTS_MISMATCH',
      'the stated facts are not what was written',
    );
    return undefined;
  }
  const facts = computed.facts;
  const wanted = options.expect;
  if (wanted?.declarationId !== undefined) {
    const ids =
      facts.kind === 'release'
        ? facts.declarations.map((d) => d.declarationId)
        : facts.kind === 'crossing'
          ? facts.declarationIds
          : [];
    if (!ids.includes(wanted.declarationId)) {
      results.invalid('facts', 'facts', 'OTHER_DECLARATION', `about ${ids.join(', ') || 'none'}`);
      return undefined;
    }
  }
  if (
    wanted?.crossingId !== undefined &&
    (facts.kind !== 'crossing' || facts.crossingId !== wanted.crossingId)
  ) {
    results.invalid(
      'facts',
      'facts',
      'OTHER_CROSSING',
      facts.kind === 'crossing' ? facts.crossingId : facts.kind,
    );
    return undefined;
  }
  results.valid('facts', 'facts', facts.kind);
  return facts;
}
