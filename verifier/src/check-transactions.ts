/**
 * Each transaction of the bundle: where it is, its submitter, its request, its endorsements,
 * the endorsement policy in force, and the statements of its validity.
 */
import { toHex } from '@clearance/core';
import { judgeValidity } from './attestation';
import type { Bundle, TrustRoot } from './bundle';
import type { VerifiedBlock } from './check-blocks';
import type { Configs } from './check-configuration';
import type { ChannelConfig } from './config';
import { concat, sha256, verifyFabricSignature } from './crypto';
import { evaluateEndorsementPolicies } from './endorsement-policy';
import type { SubjectTransaction } from './facts';
import { HEADER_TYPE, decodeSignatureHeader } from './fabric-messages';
import {
  decodeEndorserAction,
  decodeEnvelopeBytes,
  type DecodedTransaction,
  type EndorserAction,
} from './ledger';
import type { ValidatedIdentity } from './msp';
import { policySources } from './policy-sources';
import { signersOf } from './policy';
import type { CheckId, Reason } from './report';
import type { Located } from './located';
import type { Results } from './results';

export async function verifyTransactions(
  bundle: Bundle,
  trustRoot: TrustRoot,
  configs: Configs,
  blocks: Map<string, VerifiedBlock>,
  results: Results,
): Promise<SubjectTransaction[] | undefined> {
  const located: Located[] = [];
  const seen = new Set<string>();
  for (const ref of bundle.transactions) {
    const target = targetOf(ref);
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
    const config = item.block.config;
    if (!config) {
      for (const check of TX_CHECKS)
        results.skipped(
          check,
          targetOf(item.ref),
          'CONFIG_NOT_IN_BUNDLE',
          'no configuration for its block',
        );
      complete = false;
      continue;
    }
    const subject = await checkTransaction(item, config, {
      bundle,
      trustRoot,
      configs,
      sources,
      results,
    });
    if (subject) subjects.push(subject);
  }
  return complete && subjects.length > 0 && subjects.length === countSubjects(bundle)
    ? subjects
    : undefined;
}

const targetOf = (ref: Bundle['transactions'][number]) =>
  `transaction ${ref.id.slice(0, 16)}… (${ref.role})`;

/** Every check of one transaction under its block's configuration; a subject's facts input. */
async function checkTransaction(
  item: Located,
  config: ChannelConfig,
  context: {
    bundle: Bundle;
    trustRoot: TrustRoot;
    configs: Configs;
    sources: ReturnType<typeof policySources>;
    results: Results;
  },
): Promise<SubjectTransaction | undefined> {
  const { bundle, trustRoot, configs, sources, results } = context;
  const target = targetOf(item.ref);
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
      judgeValidity(trustRoot, configs, config, bundle.attestations, {
        transactionId: item.ref.id,
        blockNumber: item.position.block,
        blockHash: item.block.block.hash,
      }),
    undefined,
  );
  if (!validity) return undefined;
  if (validity.ok)
    results.valid(
      'transaction.validity',
      target,
      `VALID, stated by ${validity.attesters.join(', ')}`,
    );
  else results.invalid('transaction.validity', target, validity.reason, validity.detail);
  if (item.ref.role !== 'subject') return undefined;
  return {
    id: item.ref.id,
    action: item.action,
    creatorMsp: creator ?? '',
    time: item.tx.channelHeader.timestamp,
  };
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
