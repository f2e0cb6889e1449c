/**
 * One channel as one identity sees it: its chaincodes, reads on the home peer (and the
 * other peers of its organisation when it is unreachable), read-your-own-writes, the
 * sending of signed envelopes, commit status, events, and the health of its endpoints.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { randomBytes } from 'node:crypto';
import { commitStatus, type CommitStatus } from './commit';
import { ChaincodeContract, type Contract } from './contract';
import { processProposal, type PeerAddress } from './endpoints';
import { answerOf, refusal, transportAnswer } from './endorsement';
import { EndorseError, LedgerUnavailableError, type PeerAnswer } from './errors';
import {
  blocks,
  chaincodeEvents,
  type ChaincodeEvent,
  type Checkpoint,
  type CloseableAsyncIterable,
  type EventClient,
} from './events';
import {
  namedDown,
  observed,
  type EndpointListeners,
  type EndpointState,
  type PeerLag,
} from './health';
import type { Session } from './identity';
import { NONCE_BYTES, QSCC } from './protocol';
import { signedProposalFor, type ProposalClient } from './proposal';
import { submitEnvelope, type SubmitClient, type SubmittedTransaction } from './transaction';

/** What the client knows of the network's health on one channel (for /readyz). */
export interface NetworkHealth {
  /** Peers and orderers named down: a call or probe failed or timed out; skipped until they answer. */
  down: EndpointState[];
  /** Peers behind the orderers' height (or our own last commit) by more than a few seconds or blocks. */
  lagging: PeerLag[];
  /** The orderers' highest height as last read (undefined before the first read). */
  ordererHeight?: bigint;
}

export interface Network {
  getContract(chaincode: string): Contract;
  /** Chaincode events of valid transactions, from a block or after a checkpoint. */
  getChaincodeEvents(
    chaincode: string | readonly string[],
    options?: { startBlock?: bigint; checkpoint?: Checkpoint },
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>>;
  /** Full blocks from `startBlock` on, as the home peer delivers them. */
  getBlocks(startBlock: bigint): CloseableAsyncIterable<common.Block>;
  /** Sends a signed envelope to an orderer (the next one if one is unreachable). */
  submitEnvelope(envelope: Uint8Array): Promise<SubmittedTransaction>;
  /** Waits for the commit of a transaction sent before (the client's commit stream). */
  commitStatus(transactionId: string): Promise<CommitStatus>;
  /** The home peer's channel height (qscc GetChainInfo). */
  channelHeight(): Promise<bigint>;
  /** qscc GetTransactionByID: undefined when the peer does not know the id. */
  processedTransaction(
    transactionId: string,
  ): Promise<{ validationCode: number; blockNumber: bigint } | undefined>;
  /** Endpoints down and peers lagging, as the client's calls and probes found them. */
  health(): NetworkHealth;
  /** Subscribes to the client's endpoint failures and retries; returns the unsubscribe. */
  onEndpointEvents(listeners: EndpointListeners): () => void;
}

/**
 * What a channel uses of its client: what its proposals, sends, commit waits and block
 * readers use, and the probes and height streams it starts. The client (client.ts) has it
 * all; the channel's modules depend on these parts, not on the client or on each other.
 */
export type ChannelClient = SubmitClient &
  ProposalClient &
  EventClient & {
    /** Probes `channel` from now on, signing as `session` (the first to ask). */
    probe(session: Session, channel: string): void;
    /** A block stream of `address` that keeps its known height current. */
    followHeight(session: Session, channel: string, address: PeerAddress): void;
  };

export class ChannelNetwork implements Network {
  constructor(
    readonly client: ChannelClient,
    readonly session: Session,
    readonly channel: string,
  ) {
    client.probe(session, channel);
  }

  getContract(chaincode: string): Contract {
    return new ChaincodeContract(this, chaincode);
  }

  async getChaincodeEvents(
    chaincode: string | readonly string[],
    options: { startBlock?: bigint; checkpoint?: Checkpoint } = {},
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    return chaincodeEvents(this, chaincode, options);
  }

  getBlocks(startBlock: bigint): CloseableAsyncIterable<common.Block> {
    return blocks(this, startBlock);
  }

  submitEnvelope(envelope: Uint8Array): Promise<SubmittedTransaction> {
    return submitEnvelope(this, envelope);
  }

  commitStatus(transactionId: string): Promise<CommitStatus> {
    return commitStatus(this, transactionId);
  }

  /** Peers to read from: the home peer first, then the other peers of its organisation. */
  readers(): PeerAddress[] {
    const { home, peers } = this.client.addresses;
    return [home, ...peers.filter((p) => p.mspId === home.mspId && p.endpoint !== home.endpoint)];
  }

  /**
   * Read your own writes: before a read or an endorsement on `address`, its height must
   * pass the block of our last commit. The peer's own block stream keeps its height; until
   * that stream has read a block, qscc is asked. Within `budgetMs`, then on regardless. A
   * peer known to be down (its stream or last call failed) is not waited for: the call
   * goes at once and fails at once, or finds it back.
   */
  async caughtUp(address: PeerAddress, budgetMs: number): Promise<void> {
    const target = this.client.commitHeights.last(this.channel);
    if (target === undefined) return;
    const health = this.client.health;
    this.client.followHeight(this.session, this.channel, address);
    const until = Date.now() + budgetMs;
    while (Date.now() < until) {
      if (health.isDown(address.endpoint)) return;
      const seen = health.peerHeight(this.channel, address.endpoint);
      if (seen > target) return;
      if (seen === 0n && (await this.heightOf(address)) > target) return;
      await new Promise((r) => setTimeout(r, seen === 0n ? 50 : 5));
    }
  }

  async heightOf(address: PeerAddress): Promise<bigint> {
    const bytes = await this.query(address, 'GetChainInfo', [this.channel]);
    const height = BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    this.client.health.notePeerHeight(this.channel, address.endpoint, height);
    return height;
  }

  /** Evaluates a qscc function on one peer; rejects with EndorseError on a refusal. */
  async query(address: PeerAddress, fcn: string, args: string[]): Promise<Uint8Array> {
    const nonce = randomBytes(NONCE_BYTES);
    const proposal = await signedProposalFor(this, QSCC, fcn, { arguments: args }, nonce);
    return this.evaluateOn([address], proposal.signed, proposal.transactionId);
  }

  /**
   * Sends a proposal for evaluation to the first peer that answers. A refusal is final
   * (with the chaincode's code when it has one); an unreachable peer passes to the next; a
   * peer named down is not asked (a probe brings it back once it answers).
   */
  async evaluateOn(
    addresses: readonly PeerAddress[],
    signed: peer.SignedProposal,
    transactionId: string,
  ): Promise<Uint8Array> {
    const { health, pool, timeouts } = this.client;
    const answers: PeerAnswer[] = addresses
      .filter((a) => health.isDown(a.endpoint))
      .map((a) => namedDown(a, health));
    for (const address of health.up(addresses)) {
      let response: peer.ProposalResponse;
      try {
        response = await observed(health, address.endpoint, 'peer', 'evaluate', () =>
          processProposal(pool.client(address), signed, timeouts.evaluate),
        );
      } catch (error) {
        answers.push(transportAnswer(address, error));
        health.noteRetry({ endpoint: address.endpoint, role: 'peer', call: 'evaluate' });
        continue;
      }
      const r = response.getResponse();
      const status = r?.getStatus() ?? 0;
      if (status >= 200 && status < 400) return r?.getPayload_asU8() ?? new Uint8Array();
      throw refusal([{ ...answerOf(address, response), transport: false }], transactionId, 'read');
    }
    throw new LedgerUnavailableError(
      `no peer answered: ${answers.map((a) => `${a.endpoint} ${a.message}`).join('; ')}`,
      answers,
      { transactionId, stage: 'read' },
    );
  }

  async channelHeight(): Promise<bigint> {
    return this.onReaders((address) => this.heightOf(address));
  }

  async processedTransaction(
    transactionId: string,
  ): Promise<{ validationCode: number; blockNumber: bigint } | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.onReaders((a) =>
        this.query(a, 'GetTransactionByID', [this.channel, transactionId]),
      );
    } catch (error) {
      if (error instanceof EndorseError && error.answers.every(isUnknownTransaction))
        return undefined;
      throw error;
    }
    const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
    const block = common.Block.deserializeBinary(
      await this.onReaders((a) => this.query(a, 'GetBlockByTxID', [this.channel, transactionId])),
    );
    return {
      validationCode: processed.getValidationcode(),
      blockNumber: BigInt(block.getHeader()?.getNumber() ?? 0),
    };
  }

  /** Runs a read on the home peer, or the next reader when one is unreachable. */
  async onReaders<T>(read: (address: PeerAddress) => Promise<T>): Promise<T> {
    let last: unknown;
    for (const address of this.readers()) {
      try {
        return await read(address);
      } catch (error) {
        if (!(error instanceof LedgerUnavailableError)) throw error;
        last = error;
      }
    }
    throw last;
  }

  health(): NetworkHealth {
    const health = this.client.health;
    const ordererHeight = health.ordererHeight(this.channel);
    return {
      down: health.endpointsDown(),
      lagging: health.lagging(
        this.channel,
        this.client.addresses.peers.map((p) => p.endpoint),
      ),
      ...(ordererHeight === undefined ? {} : { ordererHeight }),
    };
  }

  onEndpointEvents(listeners: EndpointListeners): () => void {
    return this.client.health.onEvents(listeners);
  }
}

/**
 * qscc answers an unknown transaction id with status 500 and a message: the message is all
 * there is (no structured field tells "not found" from other failures). Fabric 2.1 says
 * "Entry not found in index", 2.2 and later "no such transaction ID".
 */
function isUnknownTransaction(answer: PeerAnswer): boolean {
  return (
    !answer.transport && /no such transaction ID|Entry not found in index/i.test(answer.message)
  );
}
