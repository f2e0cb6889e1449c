/**
 * A proposal of one transaction, signed once by its session: evaluated on a reader, or
 * endorsed by the peers its endorsement plan names and assembled into a signed envelope
 * that can be stored and sent later.
 */
import type { peer } from '@hyperledger/fabric-protos';
import { randomBytes } from 'node:crypto';
import { processProposal, type EndpointPool, type PeerAddress } from './endpoints';
import { endorseByPlan } from './endorsement';
import type { EndorsementPlan } from './endorsement-plan';
import { namedDown, observed, type EndpointHealth } from './health';
import type { Session } from './identity';
import {
  assembleTransaction,
  buildProposal,
  chaincodeResultOf,
  envelopeOf,
  NONCE_BYTES,
  signedProposal,
  transactionIdOf,
} from './protocol';
import type { SubmittedTransaction } from './transaction';

export interface ProposalOptions {
  arguments?: readonly (string | Uint8Array)[];
  /** Values the chaincode reads that are not written to the channel (private data). */
  transientData?: Readonly<Record<string, string | Uint8Array>>;
  /** Endorse on exactly these organisations instead of the transaction's plan. */
  endorsingOrganizations?: readonly string[];
}

/** A transaction proposed and not yet endorsed; its id is known before anything is sent. */
export interface Proposal {
  readonly transactionId: string;
  endorse(): Promise<EndorsedTransaction>;
  evaluate(): Promise<Uint8Array>;
}

/** An endorsed, signed transaction: its envelope can be stored and sent later. */
export interface EndorsedTransaction {
  readonly transactionId: string;
  getResult(): Uint8Array;
  getBytes(): Uint8Array;
  submit(): Promise<SubmittedTransaction>;
}

/** What proposals use of their client: the peers, deadlines, health and gRPC channels. */
export interface ProposalClient {
  readonly addresses: { readonly home: PeerAddress; readonly peers: readonly PeerAddress[] };
  readonly timeouts: { readonly evaluate: number; readonly endorse: number };
  readonly health: EndpointHealth;
  readonly pool: EndpointPool;
}

/** What proposals use of their channel (ChannelNetwork has it). */
export interface ProposalChannel {
  readonly session: Session;
  readonly channel: string;
  readonly client: ProposalClient;
  /** Peers to read from: the home peer first, then the other peers of its organisation. */
  readers(): PeerAddress[];
  /** Waits (up to `budgetMs`) for `address` to have the block of our last commit. */
  caughtUp(address: PeerAddress, budgetMs: number): Promise<void>;
  /** Evaluates on the first of `addresses` that answers. */
  evaluateOn(
    addresses: readonly PeerAddress[],
    signed: peer.SignedProposal,
    transactionId: string,
  ): Promise<Uint8Array>;
  submitEnvelope(envelope: Uint8Array): Promise<SubmittedTransaction>;
}

/** How long an endorsement waits for a peer to reach our last commit. */
const ENDORSE_CATCH_UP_MS = 2_000;

interface SignedProposal {
  transactionId: string;
  bytes: Uint8Array;
  signed: peer.SignedProposal;
}

/** A proposal of `transaction` on `chaincode`, endorsed by the plan `planOf` gives. */
export function newProposal(
  network: ProposalChannel,
  chaincode: string,
  transaction: string,
  options: ProposalOptions,
  planOf: () => Promise<EndorsementPlan>,
): Proposal {
  const nonce = randomBytes(NONCE_BYTES);
  // Signed on first use, once: a proposal made but never sent signs nothing.
  let signing: Promise<SignedProposal> | undefined;
  const built = () =>
    (signing ??= signedProposalFor(network, chaincode, transaction, options, nonce));
  return {
    // The id is known before signing (it depends on nonce and creator only).
    transactionId: transactionIdOf(nonce, network.session.creator),
    async evaluate() {
      const p = await built();
      const readers = network.readers();
      const [first] = readers;
      if (first) await network.caughtUp(first, network.client.timeouts.evaluate);
      return network.evaluateOn(readers, p.signed, p.transactionId);
    },
    async endorse() {
      const p = await built();
      const responses = await endorse(network, await planOf(), p.signed, p.transactionId);
      const payload = assembleTransaction(p.bytes, responses);
      const envelope = envelopeOf(payload, await network.session.signer(payload));
      const [first] = responses;
      const result = first ? chaincodeResultOf(first) : new Uint8Array();
      return {
        transactionId: p.transactionId,
        getResult: () => result,
        getBytes: () => envelope,
        async submit() {
          const submitted = await network.submitEnvelope(envelope);
          return { ...submitted, getResult: () => result };
        },
      };
    },
  };
}

/** A proposal built and signed by the network's session. */
export async function signedProposalFor(
  network: Pick<ProposalChannel, 'session' | 'channel'>,
  chaincode: string,
  transaction: string,
  options: ProposalOptions,
  nonce: Uint8Array,
): Promise<SignedProposal> {
  const transient = Object.fromEntries(
    Object.entries(options.transientData ?? {}).map(([k, v]) => [
      k,
      typeof v === 'string' ? Buffer.from(v) : v,
    ]),
  );
  const built = buildProposal({
    creator: network.session.creator,
    nonce,
    channel: network.channel,
    chaincode,
    args: [transaction, ...(options.arguments ?? [])],
    transient,
  });
  return {
    ...built,
    signed: signedProposal(built.bytes, await network.session.signer(built.bytes)),
  };
}

/** Endorses by plan on the peers not named down (an organisation with none counts as failed). */
function endorse(
  network: ProposalChannel,
  plan: EndorsementPlan,
  signed: peer.SignedProposal,
  transactionId: string,
): Promise<peer.ProposalResponse[]> {
  const { client } = network;
  const { home, peers } = client.addresses;
  const health = client.health;
  return endorseByPlan({
    plan,
    peers: health.up(peers),
    skipped: peers.filter((p) => health.isDown(p.endpoint)).map((p) => namedDown(p, health)),
    homeMspId: home.mspId,
    transactionId,
    propose: async (address, signal) => {
      // A peer behind our last commit would endorse on stale state.
      await network.caughtUp(address, ENDORSE_CATCH_UP_MS);
      try {
        return await observed(health, address.endpoint, 'peer', 'endorse', () =>
          processProposal(client.pool.client(address), signed, client.timeouts.endorse, signal),
        );
      } catch (error) {
        if (!signal.aborted)
          health.noteRetry({ endpoint: address.endpoint, role: 'peer', call: 'endorse' });
        throw error;
      }
    },
  });
}
