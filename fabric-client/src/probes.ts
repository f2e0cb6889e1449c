/**
 * Probes of every peer and orderer: a peer with qscc GetChainInfo, an orderer with a
 * Deliver of its newest block; both give the height (lag for health, evidence for
 * resending), and an answer brings an endpoint named down back. A probe without an answer
 * within PROBE_TIMEOUT_MS names it down: a hung process (SIGSTOP) keeps its connections
 * open, so only a deadline tells.
 */
import { common } from '@hyperledger/fabric-protos';
import { randomBytes } from 'node:crypto';
import {
  DeliverStatusError,
  newestBlock,
  processProposal,
  type EndpointAddress,
  type EndpointPool,
  type PeerAddress,
} from './endpoints';
import { observed, type EndpointHealth } from './health';
import { signedEnvelope, type Session } from './identity';
import { buildProposal, NONCE_BYTES, QSCC, seekPayload, signedProposal } from './protocol';

/** How often every endpoint is probed, and how long a probe waits for its answer. */
export const PROBE_EVERY_MS = 2_000;
const PROBE_TIMEOUT_MS = 2_000;

/** What a probe needs of its client: the channels, and the health it reports to. */
export interface ProbeContext {
  pool: EndpointPool;
  health: EndpointHealth;
}

export async function probePeer(
  { pool, health }: ProbeContext,
  session: Session,
  channel: string,
  address: PeerAddress,
): Promise<void> {
  const built = buildProposal({
    creator: session.creator,
    nonce: randomBytes(NONCE_BYTES),
    channel,
    chaincode: QSCC,
    args: ['GetChainInfo', channel],
    transient: {},
  });
  const signed = signedProposal(built.bytes, await session.signer(built.bytes));
  const response = await observed(health, address.endpoint, 'peer', 'probe', () =>
    processProposal(pool.client(address), signed, PROBE_TIMEOUT_MS),
  );
  const r = response.getResponse();
  if (r && r.getStatus() === 200) {
    const info = common.BlockchainInfo.deserializeBinary(r.getPayload_asU8());
    health.notePeerHeight(channel, address.endpoint, BigInt(info.getHeight()));
  }
}

export async function probeOrderer(
  { pool, health }: ProbeContext,
  session: Session,
  channel: string,
  address: EndpointAddress,
): Promise<void> {
  const payload = seekPayload({
    creator: session.creator,
    nonce: randomBytes(NONCE_BYTES),
    channel,
    start: 'newest',
    stop: 'newest',
  });
  const envelope = await signedEnvelope(session, payload);
  let block: common.Block;
  try {
    block = await observed(health, address.endpoint, 'orderer', 'probe', () =>
      newestBlock(pool.client(address), address.endpoint, envelope, PROBE_TIMEOUT_MS),
    );
  } catch (error) {
    // A status (no Raft leader known to it, say) is an answer: it is up, its height unknown.
    if (error instanceof DeliverStatusError) health.noteUp(address.endpoint);
    return;
  }
  const height = BigInt(block.getHeader()?.getNumber() ?? 0) + 1n;
  health.noteOrdererHeight(channel, address.endpoint, height);
}
