/**
 * Blocks and transactions of a bundle, decoded once: the bytes as the bundle carries them,
 * and what the checks compute from them (header hash, data hash, the signed metadata, the
 * transaction's headers, endorsements and writes).
 */
import { fromHex, toHex } from '@clearance/core';
import type { BlockJson } from './bundle';
import { blockHeaderBytes, concat, sha256 } from './crypto';
import {
  HEADER_TYPE,
  decodeChaincodeAction,
  decodeChaincodeHeaderExtension,
  decodeChannelHeader,
  decodeEnvelope,
  decodeInvocation,
  decodeOrdererBlockMetadata,
  decodePayload,
  decodeProposalResponsePayload,
  decodeRwSet,
  decodeSignatureHeader,
  decodeTransaction,
  type BlockHeader,
  type ChaincodeAction,
  type ChannelHeader,
  type Endorsement,
  type NamespaceRwSet,
  type SignatureHeader,
} from './fabric-messages';
import { MalformedError } from './protobuf';

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export interface DecodedBlock {
  number: bigint;
  header: BlockHeader;
  /** SHA-256 of the header's DER (what the next block's previous_hash and attestations name). */
  hash: string;
  headerBytes: Uint8Array;
  data: Uint8Array[];
  signatures?: {
    value: Uint8Array;
    items: { signatureHeader: Uint8Array; signature: Uint8Array }[];
    /** The last configuration block's number, from the signed value. */
    lastConfig: bigint;
  };
}

export async function decodeBlockJson(json: BlockJson): Promise<DecodedBlock> {
  const header = {
    number: BigInt(json.number),
    previousHash: fromHex(json.previousHash),
    dataHash: fromHex(json.dataHash),
  };
  const headerBytes = blockHeaderBytes(header);
  const signatures = json.signatures && {
    value: fromBase64(json.signatures.value),
    items: json.signatures.items.map((i) => ({
      signatureHeader: fromBase64(i.signatureHeader),
      signature: fromBase64(i.signature),
    })),
  };
  return {
    number: header.number,
    header,
    hash: toHex(await sha256(headerBytes)),
    headerBytes,
    data: json.data.map(fromBase64),
    signatures: signatures && {
      ...signatures,
      lastConfig: decodeOrdererBlockMetadata(signatures.value).lastConfig,
    },
  };
}

/** SHA-256 over every envelope of the block, concatenated (protoutil.BlockDataHash). */
export async function dataHashOf(block: DecodedBlock): Promise<Uint8Array> {
  return sha256(concat(...block.data));
}

export interface DecodedTransaction {
  envelopeBytes: Uint8Array;
  envelope: { payload: Uint8Array; signature: Uint8Array };
  channelHeaderBytes: Uint8Array;
  signatureHeaderBytes: Uint8Array;
  channelHeader: ChannelHeader;
  signatureHeader: SignatureHeader;
  payloadData: Uint8Array;
}

/** Envelope, payload and headers: any transaction (endorser or configuration). */
export function decodeEnvelopeBytes(bytes: Uint8Array): DecodedTransaction {
  const envelope = decodeEnvelope(bytes);
  const payload = decodePayload(envelope.payload);
  return {
    envelopeBytes: bytes,
    envelope,
    channelHeaderBytes: payload.channelHeader,
    signatureHeaderBytes: payload.signatureHeader,
    channelHeader: decodeChannelHeader(payload.channelHeader),
    signatureHeader: decodeSignatureHeader(payload.signatureHeader),
    payloadData: payload.data,
  };
}

/** The transaction id in an envelope's channel header. */
export const transactionIdOfEnvelope = (bytes: Uint8Array): string =>
  decodeEnvelopeBytes(bytes).channelHeader.txId;

export interface EndorserAction {
  /** The action's signature header (the proposal hash covers it). */
  actionHeader: Uint8Array;
  chaincodeProposalPayload: Uint8Array;
  proposalResponsePayloadBytes: Uint8Array;
  proposalHash: Uint8Array;
  endorsements: Endorsement[];
  chaincodeAction: ChaincodeAction;
  /** The chaincode invoked (the channel header's extension). */
  chaincode: string;
  invocation: { chaincode: string; args: Uint8Array[] };
  writes: NamespaceRwSet[];
}

/** The endorser transaction's single action, decoded (Fabric allows exactly one). */
export function decodeEndorserAction(tx: DecodedTransaction): EndorserAction {
  if (tx.channelHeader.type !== HEADER_TYPE.ENDORSER_TRANSACTION)
    throw new MalformedError('not an endorser transaction');
  const { actions } = decodeTransaction(tx.payloadData);
  if (actions.length !== 1) throw new MalformedError(`${actions.length} actions, not one`);
  const action = actions[0] as (typeof actions)[number];
  const prp = decodeProposalResponsePayload(action.proposalResponsePayload);
  const chaincodeAction = decodeChaincodeAction(prp.extension);
  return {
    actionHeader: action.header,
    chaincodeProposalPayload: action.chaincodeProposalPayload,
    proposalResponsePayloadBytes: action.proposalResponsePayload,
    proposalHash: prp.proposalHash,
    endorsements: action.endorsements,
    chaincodeAction,
    chaincode: decodeChaincodeHeaderExtension(tx.channelHeader.extension)?.name ?? '',
    invocation: decodeInvocation(action.chaincodeProposalPayload),
    writes: decodeRwSet(chaincodeAction.results),
  };
}

export const blockOrder = (
  a: { block: bigint; index: number },
  b: { block: bigint; index: number },
) => (a.block === b.block ? a.index - b.index : a.block < b.block ? -1 : 1);
