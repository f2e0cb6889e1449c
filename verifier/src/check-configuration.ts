/**
 * The configuration chain: from the pinned genesis block, each configuration block signed
 * under the configuration before it and following from it by an authorised update.
 */
import { toHex } from '@clearance/core';
import type { BlockJson, Bundle, TrustRoot } from './bundle';
import { channelConfig, checkConfigUpdate, type ChannelConfig } from './config';
import { concat, verifyFabricSignature } from './crypto';
import {
  HEADER_TYPE,
  decodeConfigEnvelope,
  decodeSignatureHeader,
  type ConfigEnvelope,
} from './fabric-messages';
import { dataHashOf, decodeBlockJson, decodeEnvelopeBytes, type DecodedBlock } from './ledger';
import { signersOf } from './policy';
import type { CheckId, Reason } from './report';
import type { Results } from './results';

/** Configurations by the number of the block that carries them (undefined: none usable). */
export type Configs = Map<bigint, ChannelConfig>;

type Fault = [Reason, string];

interface ConfigBlock {
  block: DecodedBlock;
  channelId: string;
  envelope: ConfigEnvelope;
}

/** A configuration block read: one CONFIG envelope and its configuration. */
async function readConfigBlock(json: BlockJson): Promise<ConfigBlock | Fault> {
  const label = `configuration block ${json.number}`;
  try {
    const block = await decodeBlockJson(json);
    if (block.data.length !== 1)
      return ['NOT_A_CONFIG_BLOCK', `${label} holds ${block.data.length} envelopes`];
    const tx = decodeEnvelopeBytes(block.data[0] as Uint8Array);
    if (tx.channelHeader.type !== HEADER_TYPE.CONFIG) return ['NOT_A_CONFIG_BLOCK', label];
    return {
      block,
      channelId: tx.channelHeader.channelId,
      envelope: decodeConfigEnvelope(tx.payloadData),
    };
  } catch (error) {
    return ['BLOCK_MALFORMED', `${label}: ${String(error)}`];
  }
}

/** Why a configuration block does not extend the chain (channel, hash, sequence), if it does not. */
async function linkFault(
  read: ConfigBlock,
  previous: { block: DecodedBlock; config: ChannelConfig } | undefined,
  channel: string,
): Promise<Fault | undefined> {
  const { block, envelope } = read;
  const label = `configuration block ${block.number}`;
  if (read.channelId !== channel)
    return ['CHANNEL_MISMATCH', `${label} is of channel ${read.channelId}`];
  if (toHex(await dataHashOf(block)) !== toHex(block.header.dataHash))
    return ['DATA_HASH_MISMATCH', label];
  if (!previous) return undefined;
  if (block.number <= previous.block.number || envelope.sequence !== previous.config.sequence + 1n)
    return ['CONFIG_SEQUENCE_GAP', `${label} has sequence ${envelope.sequence}`];
  if (block.signatures?.lastConfig !== block.number)
    return ['NOT_A_CONFIG_BLOCK', `${label} names ${block.signatures?.lastConfig}`];
  return undefined;
}

export async function verifyConfigurationChain(
  bundle: Bundle,
  trustRoot: TrustRoot,
  results: Results,
): Promise<Configs> {
  const configs: Configs = new Map();
  const target = 'configuration';
  let chainFault: Fault | undefined;
  let signatureFault: Fault | undefined;
  let updateFault: Fault | undefined;
  let previous: { block: DecodedBlock; config: ChannelConfig } | undefined;
  for (const json of bundle.configuration) {
    const read = await readConfigBlock(json);
    if (Array.isArray(read)) {
      chainFault = read;
      break;
    }
    const { block, envelope } = read;
    const label = `configuration block ${block.number}`;
    if (!previous) {
      if (block.number !== 0n || block.hash !== trustRoot.genesisBlockHash)
        results.invalid(
          'configuration.root',
          target,
          'ROOT_MISMATCH',
          `block ${block.number} hash ${block.hash} is not the pinned genesis block ${trustRoot.genesisBlockHash}`,
        );
      else results.valid('configuration.root', target, `genesis block ${block.hash}`);
    }
    chainFault = await linkFault(read, previous, trustRoot.channel);
    if (chainFault) break;
    if (previous) {
      const prior = previous.config;
      const signed = await unreadable(() => ordererSignatures(block, prior));
      if (signed) signatureFault ??= [signed[0], `${label}: ${signed[1]}`];
      const update = await checkConfigUpdate(prior, envelope);
      if (update) updateFault ??= [update.fault, `${label}: ${update.detail}`];
    }
    try {
      const config = await channelConfig(trustRoot.channel, envelope, block);
      configs.set(block.number, config);
      previous = { block, config };
    } catch (error) {
      chainFault = ['BLOCK_MALFORMED', `${label}: ${String(error)}`];
      break;
    }
  }
  if (!results.list.some((r) => r.check === 'configuration.root'))
    results.invalid('configuration.root', target, 'ROOT_MISMATCH', 'no genesis block');
  const outcome = (check: CheckId, fault: Fault | undefined, ok: string) =>
    fault ? results.invalid(check, target, fault[0], fault[1]) : results.valid(check, target, ok);
  const last = previous ? `up to block ${previous.block.number}` : 'none';
  outcome('configuration.chain', chainFault, `${configs.size} configuration blocks ${last}`);
  outcome('configuration.signatures', signatureFault, 'each signed under the one before');
  outcome('configuration.updates', updateFault, 'each authorised by the one before');
  return configs;
}

/** A check's fault, with anything it could not read as BLOCK_MALFORMED. */
export async function unreadable(
  check: () => Promise<[Reason, string] | undefined>,
): Promise<[Reason, string] | undefined> {
  try {
    return await check();
  } catch (error) {
    return ['BLOCK_MALFORMED', String(error)];
  }
}

/** Checks a block's orderer signatures under a configuration; the fault, or undefined. */
export async function ordererSignatures(
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
