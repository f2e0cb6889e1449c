/**
 * Fabric's wire messages, built and read without I/O: proposals, transactions, seek
 * requests for Deliver, and blocks. The protos (@hyperledger/fabric-protos) are the
 * contract; signing and sending live in fabric-client.ts.
 */
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { createHash } from 'node:crypto';

export interface Creator {
  mspId: string;
  /** PEM certificate. */
  certificate: string;
}

export const NONCE_BYTES = 24;

/** The serialized identity that signs: MSP id and certificate. */
export function serializedIdentity(creator: Creator): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(creator.mspId);
  identity.setIdBytes(Buffer.from(creator.certificate));
  return identity.serializeBinary();
}

/** Fabric's transaction id: hex SHA-256 of nonce ‖ creator. */
export function transactionIdOf(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

function timestampOf(at: Date): Timestamp {
  const ts = new Timestamp();
  const ms = at.getTime();
  ts.setSeconds(Math.floor(ms / 1000));
  ts.setNanos((ms % 1000) * 1_000_000);
  return ts;
}

interface HeaderInput {
  creator: Uint8Array;
  nonce: Uint8Array;
  channel: string;
  type: number;
  transactionId: string;
  at: Date;
  extension?: Uint8Array;
}

function header(input: HeaderInput): common.Header {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(input.type);
  channelHeader.setChannelId(input.channel);
  channelHeader.setTxId(input.transactionId);
  channelHeader.setTimestamp(timestampOf(input.at));
  channelHeader.setEpoch(0);
  if (input.extension) channelHeader.setExtension$(input.extension);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(input.creator);
  signatureHeader.setNonce(input.nonce);
  const h = new common.Header();
  h.setChannelHeader(channelHeader.serializeBinary());
  h.setSignatureHeader(signatureHeader.serializeBinary());
  return h;
}

export interface ProposalInput {
  creator: Uint8Array;
  nonce: Uint8Array;
  channel: string;
  chaincode: string;
  /** The function name followed by its arguments. */
  args: readonly (string | Uint8Array)[];
  transient?: Readonly<Record<string, Uint8Array>>;
  at?: Date;
}

export interface BuiltProposal {
  transactionId: string;
  /** The Proposal message's bytes: what is signed. */
  bytes: Uint8Array;
}

export function buildProposal(input: ProposalInput): BuiltProposal {
  const transactionId = transactionIdOf(input.nonce, input.creator);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(input.chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const h = header({
    creator: input.creator,
    nonce: input.nonce,
    channel: input.channel,
    type: common.HeaderType.ENDORSER_TRANSACTION,
    transactionId,
    at: input.at ?? new Date(),
    extension: extension.serializeBinary(),
  });
  const chaincodeInput = new peer.ChaincodeInput();
  chaincodeInput.setArgsList(input.args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(chaincodeInput);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  const transientMap = payload.getTransientmapMap();
  for (const [k, v] of Object.entries(input.transient ?? {})) transientMap.set(k, v);
  const proposal = new peer.Proposal();
  proposal.setHeader(h.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  return { transactionId, bytes: proposal.serializeBinary() };
}

export function signedProposal(
  proposalBytes: Uint8Array,
  signature: Uint8Array,
): peer.SignedProposal {
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(signature);
  return signed;
}

/**
 * The transaction's Payload (what the client signs into the envelope): the proposal's
 * header, and one action whose proposal payload leaves the transient map out.
 */
export function assembleTransaction(
  proposalBytes: Uint8Array,
  responses: readonly peer.ProposalResponse[],
): Uint8Array {
  const first = responses[0];
  if (!first) throw new Error('no endorsements to assemble');
  const proposal = peer.Proposal.deserializeBinary(proposalBytes);
  const h = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
    proposal.getPayload_asU8(),
  );
  const withoutTransient = new peer.ChaincodeProposalPayload();
  withoutTransient.setInput(proposalPayload.getInput_asU8());

  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(first.getPayload_asU8());
  endorsed.setEndorsementsList(
    responses.map((r) => {
      const e = r.getEndorsement();
      if (!e) throw new Error('a proposal response without an endorsement');
      return e;
    }),
  );
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(withoutTransient.serializeBinary());
  actionPayload.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setHeader(h.getSignatureHeader_asU8());
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);
  const payload = new common.Payload();
  payload.setHeader(h);
  payload.setData(transaction.serializeBinary());
  return payload.serializeBinary();
}

export function envelopeOf(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  const envelope = new common.Envelope();
  envelope.setPayload(payload);
  envelope.setSignature(signature);
  return envelope.serializeBinary();
}

/** The channel header of a payload. */
export function channelHeaderOf(payload: common.Payload): common.ChannelHeader {
  const h = payload.getHeader();
  if (!h) throw new Error('payload without a header');
  return common.ChannelHeader.deserializeBinary(h.getChannelHeader_asU8());
}

export function transactionIdOfEnvelope(envelope: Uint8Array): string {
  const payload = common.Envelope.deserializeBinary(envelope).getPayload_asU8();
  return channelHeaderOf(common.Payload.deserializeBinary(payload)).getTxId();
}

/** The chaincode's result in a proposal response (the payload it returned). */
export function chaincodeResultOf(response: peer.ProposalResponse): Uint8Array {
  const prp = peer.ProposalResponsePayload.deserializeBinary(response.getPayload_asU8());
  const action = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  return action.getResponse()?.getPayload_asU8() ?? new Uint8Array();
}

/** Blocks from `start` on (a number, or the newest), waiting for new ones: a Deliver request. */
export function seekPayload(input: {
  creator: Uint8Array;
  nonce: Uint8Array;
  channel: string;
  start: bigint | 'newest';
  /** `newest` with a `newest` start: just the newest block (its number is the height - 1). */
  stop?: 'newest';
  at?: Date;
}): Uint8Array {
  const start = new orderer.SeekPosition();
  if (input.start === 'newest') start.setNewest(new orderer.SeekNewest());
  else {
    const s = new orderer.SeekSpecified();
    s.setNumber(Number(input.start));
    start.setSpecified(s);
  }
  const stop = new orderer.SeekPosition();
  if (input.stop === 'newest') stop.setNewest(new orderer.SeekNewest());
  else {
    const max = new orderer.SeekSpecified();
    max.setNumber(Number.MAX_SAFE_INTEGER);
    stop.setSpecified(max);
  }
  const seek = new orderer.SeekInfo();
  seek.setStart(start);
  seek.setStop(stop);
  seek.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
  const payload = new common.Payload();
  payload.setHeader(
    header({
      creator: input.creator,
      nonce: input.nonce,
      channel: input.channel,
      type: common.HeaderType.DELIVER_SEEK_INFO,
      transactionId: transactionIdOf(input.nonce, input.creator),
      at: input.at ?? new Date(),
    }),
  );
  payload.setData(seek.serializeBinary());
  return payload.serializeBinary();
}

export interface ChaincodeEvent {
  blockNumber: bigint;
  transactionId: string;
  chaincodeName: string;
  eventName: string;
  payload: Uint8Array;
}

export interface BlockTransaction {
  transactionId: string;
  validationCode: number;
  /** Chaincode events of an endorser transaction (empty for other types). */
  events: ChaincodeEvent[];
}

/** The transactions of a full block, with their validation codes and chaincode events. */
export function transactionsOf(block: common.Block): BlockTransaction[] {
  const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
  const filter = block.getMetadata()?.getMetadataList_asU8()[
    common.BlockMetadataIndex.TRANSACTIONS_FILTER
  ];
  return (block.getData()?.getDataList_asU8() ?? []).map((bytes, i) => {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
    );
    const ch = channelHeaderOf(payload);
    // A block without the filter is not yet validated: nothing in it counts as valid.
    const validationCode = filter?.[i] ?? peer.TxValidationCode.NOT_VALIDATED;
    const events: ChaincodeEvent[] = [];
    if (ch.getType() === common.HeaderType.ENDORSER_TRANSACTION) {
      const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
      for (const action of tx.getActionsList()) {
        const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
        const prp = cap.getAction()?.getProposalResponsePayload_asU8();
        if (!prp) continue;
        const ca = peer.ChaincodeAction.deserializeBinary(
          peer.ProposalResponsePayload.deserializeBinary(prp).getExtension_asU8(),
        );
        const eventBytes = ca.getEvents_asU8();
        if (eventBytes.length === 0) continue;
        const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
        if (event.getEventName() === '') continue;
        events.push({
          blockNumber,
          transactionId: ch.getTxId(),
          chaincodeName: event.getChaincodeId(),
          eventName: event.getEventName(),
          payload: event.getPayload_asU8(),
        });
      }
    }
    return { transactionId: ch.getTxId(), validationCode, events };
  });
}

/**
 * The chaincode events of a block's valid transactions (per its TRANSACTIONS_FILTER), of
 * one chaincode or several (the namespaces of one split network), after the transaction `afterTransactionId` when given (a checkpoint). A
 * checkpoint transaction the block does not hold skips nothing: the index is keyed by
 * transaction id, so a replay inserts nothing twice.
 */
export function chaincodeEventsOf(
  block: common.Block,
  chaincode: string | readonly string[],
  afterTransactionId?: string,
): ChaincodeEvent[] {
  const names: readonly string[] = typeof chaincode === 'string' ? [chaincode] : chaincode;
  const transactions = transactionsOf(block);
  const from = transactions.findIndex((t) => t.transactionId === afterTransactionId) + 1;
  return transactions
    .slice(from)
    .filter((t) => t.validationCode === peer.TxValidationCode.VALID)
    .flatMap((t) => t.events.filter((e) => names.includes(e.chaincodeName)));
}
