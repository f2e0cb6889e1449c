/** Proposal and transaction assembly: decode what was encoded and check each field. */
import { describe, expect, it } from '@jest/globals';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { createHash } from 'node:crypto';
import {
  assembleTransaction,
  buildProposal,
  chaincodeResultOf,
  envelopeOf,
  seekPayload,
  serializedIdentity,
  transactionIdOf,
  transactionIdOfEnvelope,
  transactionsOf,
  chaincodeEventsOf,
} from './protocol';

const creator = serializedIdentity({
  mspId: 'GDCustomsMSP',
  certificate: '-----BEGIN CERTIFICATE-----\nx\n',
});
const nonce = Buffer.alloc(24, 7);
const at = new Date('2026-12-01T10:00:00.123Z');

function proposal() {
  return buildProposal({
    creator,
    nonce,
    channel: 'clearance',
    chaincode: 'clearance',
    args: ['Declaration:File', '{"a":1}', 'sig'],
    transient: { commercial: Buffer.from('secret') },
    at,
  });
}

/** A proposal response as a peer would make it, with an event and a result. */
function response(
  endorser: string,
  result = 'ok',
  eventName = 'DeclarationFiled',
): peer.ProposalResponse {
  const event = new peer.ChaincodeEvent();
  event.setChaincodeId('clearance');
  event.setTxId('t');
  event.setEventName(eventName);
  event.setPayload(Buffer.from('{"x":1}'));
  const r = new peer.Response();
  r.setStatus(200);
  r.setPayload(Buffer.from(result));
  const action = new peer.ChaincodeAction();
  action.setResponse(r);
  action.setEvents(event.serializeBinary());
  action.setResults(Buffer.from('rwset'));
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(Buffer.alloc(32, 1));
  prp.setExtension$(action.serializeBinary());
  const e = new peer.Endorsement();
  e.setEndorser(Buffer.from(endorser));
  e.setSignature(Buffer.from(`sig-${endorser}`));
  const pr = new peer.ProposalResponse();
  pr.setResponse(r);
  pr.setPayload(prp.serializeBinary());
  pr.setEndorsement(e);
  return pr;
}

describe('buildProposal', () => {
  it('derives the transaction id from nonce and creator', () => {
    const expected = createHash('sha256').update(nonce).update(creator).digest('hex');
    expect(transactionIdOf(nonce, creator)).toBe(expected);
    expect(proposal().transactionId).toBe(expected);
  });

  it('encodes the headers, the invocation and the transient map', () => {
    const built = proposal();
    const p = peer.Proposal.deserializeBinary(built.bytes);
    const header = common.Header.deserializeBinary(p.getHeader_asU8());
    const ch = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    expect(ch.getType()).toBe(common.HeaderType.ENDORSER_TRANSACTION);
    expect(ch.getChannelId()).toBe('clearance');
    expect(ch.getTxId()).toBe(built.transactionId);
    expect(ch.getTimestamp()?.getSeconds()).toBe(Math.floor(at.getTime() / 1000));
    expect(ch.getTimestamp()?.getNanos()).toBe(123_000_000);
    expect(
      peer.ChaincodeHeaderExtension.deserializeBinary(ch.getExtension_asU8())
        .getChaincodeId()
        ?.getName(),
    ).toBe('clearance');
    const sh = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    expect(Buffer.from(sh.getNonce_asU8())).toEqual(nonce);
    const identity = msp.SerializedIdentity.deserializeBinary(sh.getCreator_asU8());
    expect(identity.getMspid()).toBe('GDCustomsMSP');
    const payload = peer.ChaincodeProposalPayload.deserializeBinary(p.getPayload_asU8());
    expect(
      Buffer.from(payload.getTransientmapMap().get('commercial') as Uint8Array).toString(),
    ).toBe('secret');
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(
      payload.getInput_asU8(),
    ).getChaincodeSpec();
    expect(spec?.getChaincodeId()?.getName()).toBe('clearance');
    expect(
      spec
        ?.getInput()
        ?.getArgsList_asU8()
        .map((a) => Buffer.from(a).toString()),
    ).toEqual(['Declaration:File', '{"a":1}', 'sig']);
  });
});

describe('assembleTransaction', () => {
  it('keeps the proposal header, drops the transient map, carries every endorsement', () => {
    const built = proposal();
    const responses = [response('gd'), response('ciq')];
    const payloadBytes = assembleTransaction(built.bytes, responses);
    const envelope = envelopeOf(payloadBytes, Buffer.from('client-signature'));
    expect(transactionIdOfEnvelope(envelope)).toBe(built.transactionId);
    const env = common.Envelope.deserializeBinary(envelope);
    expect(Buffer.from(env.getSignature_asU8()).toString()).toBe('client-signature');
    const payload = common.Payload.deserializeBinary(env.getPayload_asU8());
    const original = common.Header.deserializeBinary(
      peer.Proposal.deserializeBinary(built.bytes).getHeader_asU8(),
    );
    expect(Buffer.from(payload.getHeader()?.serializeBinary() ?? [])).toEqual(
      Buffer.from(original.serializeBinary()),
    );
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    expect(tx.getActionsList()).toHaveLength(1);
    const action = tx.getActionsList()[0] as peer.TransactionAction;
    expect(Buffer.from(action.getHeader_asU8())).toEqual(
      Buffer.from(original.getSignatureHeader_asU8()),
    );
    const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const cpp = peer.ChaincodeProposalPayload.deserializeBinary(
      cap.getChaincodeProposalPayload_asU8(),
    );
    expect(cpp.getTransientmapMap().getLength()).toBe(0);
    expect(cpp.getInput_asU8().length).toBeGreaterThan(0);
    expect(Buffer.from(cap.getAction()?.getProposalResponsePayload_asU8() ?? [])).toEqual(
      Buffer.from(responses[0]?.getPayload_asU8() ?? []),
    );
    expect(
      cap
        .getAction()
        ?.getEndorsementsList()
        .map((e) => Buffer.from(e.getEndorser_asU8()).toString()),
    ).toEqual(['gd', 'ciq']);
    expect(Buffer.from(chaincodeResultOf(responses[0] as peer.ProposalResponse)).toString()).toBe(
      'ok',
    );
  });

  it('refuses to assemble without endorsements', () => {
    expect(() => assembleTransaction(proposal().bytes, [])).toThrow('no endorsements');
  });
});

describe('seekPayload', () => {
  it('asks for blocks from a number on, waiting for new ones', () => {
    const payload = common.Payload.deserializeBinary(
      seekPayload({ creator, nonce, channel: 'clearance', start: 42n }),
    );
    const ch = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    expect(ch.getType()).toBe(common.HeaderType.DELIVER_SEEK_INFO);
    const seek = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
    expect(seek.getStart()?.getSpecified()?.getNumber()).toBe(42);
    expect(seek.getBehavior()).toBe(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
    const newest = orderer.SeekInfo.deserializeBinary(
      common.Payload.deserializeBinary(
        seekPayload({ creator, nonce, channel: 'c', start: 'newest' }),
      ).getData_asU8(),
    );
    expect(newest.getStart()?.hasNewest()).toBe(true);
  });
});

describe('transactionsOf', () => {
  it('reads ids, validation codes and chaincode events of a block', () => {
    const envelopes = ['a', 'b'].map(() => {
      const built = buildProposal({
        creator,
        nonce: Buffer.from(Math.random().toString()),
        channel: 'clearance',
        chaincode: 'clearance',
        args: ['X'],
      });
      return {
        id: built.transactionId,
        bytes: envelopeOf(assembleTransaction(built.bytes, [response('gd')]), Buffer.from('s')),
      };
    });
    const block = new common.Block();
    const h = new common.BlockHeader();
    h.setNumber(9);
    block.setHeader(h);
    const data = new common.BlockData();
    data.setDataList(envelopes.map((e) => e.bytes));
    block.setData(data);
    const metadata = new common.BlockMetadata();
    metadata.setMetadataList([
      new Uint8Array(),
      new Uint8Array(),
      Uint8Array.from([0, 11]),
      new Uint8Array(),
    ]);
    block.setMetadata(metadata);
    const txs = transactionsOf(common.Block.deserializeBinary(block.serializeBinary()));
    expect(txs.map((t) => [t.transactionId, t.validationCode])).toEqual([
      [envelopes[0]?.id, 0],
      [envelopes[1]?.id, 11],
    ]);
    expect(txs[0]?.events).toEqual([
      {
        blockNumber: 9n,
        transactionId: envelopes[0]?.id,
        chaincodeName: 'clearance',
        eventName: 'DeclarationFiled',
        payload: expect.anything(),
      },
    ]);
    expect(Buffer.from(txs[0]?.events[0]?.payload ?? []).toString()).toBe('{"x":1}');
  });
});

describe('chaincodeEventsOf', () => {
  /** A block of transactions, each with an event of `chaincode` and a validation code. */
  function blockOf(txs: { chaincode: string; code: number }[]) {
    const built = txs.map((t, i) => {
      const p = buildProposal({
        creator,
        nonce: Buffer.alloc(24, i + 1),
        channel: 'clearance',
        chaincode: t.chaincode,
        args: ['X'],
      });
      const r = response('gd', 'ok', `Event${i}`);
      const prp = peer.ProposalResponsePayload.deserializeBinary(r.getPayload_asU8());
      const action = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
      const event = peer.ChaincodeEvent.deserializeBinary(action.getEvents_asU8());
      event.setChaincodeId(t.chaincode);
      action.setEvents(event.serializeBinary());
      prp.setExtension$(action.serializeBinary());
      r.setPayload(prp.serializeBinary());
      return {
        id: p.transactionId,
        bytes: envelopeOf(assembleTransaction(p.bytes, [r]), Buffer.from('s')),
      };
    });
    const block = new common.Block();
    const h = new common.BlockHeader();
    h.setNumber(3);
    block.setHeader(h);
    const data = new common.BlockData();
    data.setDataList(built.map((b) => b.bytes));
    block.setData(data);
    const metadata = new common.BlockMetadata();
    metadata.setMetadataList([
      new Uint8Array(),
      new Uint8Array(),
      Uint8Array.from(txs.map((t) => t.code)),
    ]);
    block.setMetadata(metadata);
    return { block, ids: built.map((b) => b.id) };
  }

  const { block, ids } = blockOf([
    { chaincode: 'clearance', code: 0 },
    { chaincode: 'clearance', code: 0 },
    { chaincode: 'clearance', code: 11 },
    { chaincode: 'other', code: 0 },
    { chaincode: 'clearance', code: 0 },
  ]);

  it('keeps valid transactions of the chaincode only', () => {
    expect(chaincodeEventsOf(block, 'clearance').map((e) => e.eventName)).toEqual([
      'Event0',
      'Event1',
      'Event4',
    ]);
  });

  it('starts after the checkpoint transaction', () => {
    expect(chaincodeEventsOf(block, 'clearance', ids[1]).map((e) => e.transactionId)).toEqual([
      ids[4],
    ]);
    expect(chaincodeEventsOf(block, 'clearance', ids[4])).toEqual([]);
  });

  it('replays the whole block for a checkpoint transaction it does not hold', () => {
    expect(chaincodeEventsOf(block, 'clearance', 'elsewhere')).toHaveLength(3);
  });
});
