/**
 * The Ledger on a real Fabric network (2.1 and later), through the project's own client
 * (@clearance/fabric-client): endorsement on the peers the transaction's plan needs, ordering,
 * commit status from the home peer.
 */
import { peer } from '@hyperledger/fabric-protos';
import {
  CommitError,
  createFabricClient,
  newCommitHeights,
  type ClientOptions,
  type EndpointAddress,
  type FabricClient,
  type Gateway,
  type Network,
  type PeerAddress,
  type SigningIdentity,
} from '@clearance/fabric-client';
import { createNamespaceRouter } from './namespace-routing';
import { timeStage } from '../operations/stages';
import { JOINT_NAMESPACE } from '@clearance/domain';
import type {
  Committed,
  Ledger,
  LedgerEndpointEvent,
  LedgerHealth,
  Prepared,
  TransactionStatus,
} from './ledger';

export type { SigningIdentity } from '@clearance/fabric-client';

export interface FabricConnection {
  mspId: string;
  peerEndpoint: string;
  peerHostAlias: string;
  tlsRootCert: string;
  certificate: string;
  privateKey: string;
  channel: string;
  chaincode: string;
  /** Every peer that may endorse (all organisations); absent: the home peer alone. */
  peers?: readonly PeerAddress[];
  orderers?: readonly EndpointAddress[];
}

const bytes = (s: Record<string, string>) =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Buffer.from(v)]));

/**
 * The Ledger port over one identity's network. It rejects with the client's stage errors as
 * they are (code, transaction id, `retryable`); the HTTP edge maps them (errors.ts).
 */
class FabricLedger implements Ledger {
  /** Routes each transaction to its namespace (namespace-routing.ts). */
  private readonly router;

  constructor(
    private readonly network: Network,
    /** The joint definition's name: the split network's namespaces go with it; another: fixed. */
    private readonly chaincode: string,
    mspId: string,
    /** Closes what this ledger owns (the client, when it is not a factory's). */
    private readonly release: () => void,
  ) {
    this.router = createNamespaceRouter(mspId, async (namespace, transaction, args) =>
      Buffer.from(
        await this.network.getContract(namespace).evaluateTransaction(transaction, ...args),
      ).toString(),
    );
  }

  private async contractFor(transaction: string, args: readonly string[]) {
    const namespace: string =
      this.chaincode === JOINT_NAMESPACE
        ? await this.router.namespaceFor(transaction, args)
        : this.chaincode;
    return this.network.getContract(namespace);
  }

  async submit(
    transaction: string,
    args: string[],
    transient: Record<string, string> = {},
  ): Promise<Committed> {
    const contract = await this.contractFor(transaction, args);
    const proposal = contract.newProposal(transaction, {
      arguments: args,
      transientData: bytes(transient),
    });
    const { transactionId } = proposal;
    const endorsed = await proposal.endorse();
    const status = await (await endorsed.submit()).getStatus();
    if (!status.successful)
      throw new CommitError(status.code, status.blockNumber, { transactionId });
    return {
      transactionId,
      blockNumber: status.blockNumber,
      result: Buffer.from(endorsed.getResult()).toString(),
    };
  }

  async prepare(
    transaction: string,
    args: string[],
    transient: Record<string, string> = {},
  ): Promise<Prepared> {
    const contract = await this.contractFor(transaction, args);
    const proposal = contract.newProposal(transaction, {
      arguments: args,
      transientData: bytes(transient),
    });
    const endorsed = await proposal.endorse();
    return {
      transactionId: endorsed.transactionId,
      envelope: endorsed.getBytes(),
      result: Buffer.from(endorsed.getResult()).toString(),
    };
  }

  async send(envelope: Uint8Array): Promise<TransactionStatus> {
    const submitted = await timeStage('ordered', () => this.network.submitEnvelope(envelope));
    const status = await timeStage('committed', () => submitted.getStatus());
    // (A later copy's DUPLICATE_TXID is never the status: the client reports the first.)
    if (status.successful) return { state: 'committed', blockNumber: status.blockNumber };
    return { state: 'invalid', blockNumber: status.blockNumber, validationCode: status.code };
  }

  async status(transactionId: string): Promise<TransactionStatus> {
    const known = await this.network.processedTransaction(transactionId);
    if (!known) return { state: 'unknown' };
    return known.validationCode === peer.TxValidationCode.VALID
      ? { state: 'committed', blockNumber: known.blockNumber }
      : { state: 'invalid', blockNumber: known.blockNumber, validationCode: known.validationCode };
  }

  async evaluate(transaction: string, args: string[]): Promise<string> {
    if (this.chaincode === JOINT_NAMESPACE) return this.router.evaluate(transaction, args);
    return Buffer.from(
      await this.network.getContract(this.chaincode).evaluateTransaction(transaction, ...args),
    ).toString();
  }

  async channelHeight(): Promise<bigint> {
    return this.network.channelHeight();
  }

  health(): LedgerHealth {
    return this.network.health();
  }

  onEndpointEvents(listeners: {
    failure?(event: LedgerEndpointEvent): void;
    retry?(event: LedgerEndpointEvent): void;
  }): () => void {
    return this.network.onEndpointEvents(listeners);
  }

  async close(): Promise<void> {
    this.release();
  }
}

/**
 * The heights of the commits of the clients made here, shared on purpose (the one thing
 * they share; each keeps its own endpoint health, streams and sends): a process acting as
 * several identities or organisations (the gateway with its seal operator, the demo, the
 * tools and tests) reads its own writes whichever of its clients made them, as a step
 * that follows another's waits for the peer it asks to have that block. Pass
 * `commitHeights` for a client that shares nothing.
 */
const processCommits = newCommitHeights();

/** The client of a connection: its home peer, every peer it names, its orderers. */
export function fabricClientFor(
  connection: Omit<FabricConnection, 'certificate' | 'privateKey'>,
  options: ClientOptions = {},
): FabricClient {
  const home: PeerAddress = {
    mspId: connection.mspId,
    endpoint: connection.peerEndpoint,
    hostAlias: connection.peerHostAlias,
    tlsRootCert: connection.tlsRootCert,
  };
  const peers = connection.peers && connection.peers.length > 0 ? connection.peers : [home];
  return createFabricClient(
    { home, peers, orderers: connection.orderers ?? [] },
    { commitHeights: processCommits, ...options },
  );
}

/**
 * A client and gateway as one identity (events, qscc, contracts): the caller closes both.
 * The same shape as before, so tests and tools read events and blocks through it.
 */
export function connectGateway(connection: FabricConnection): {
  client: FabricClient;
  gateway: Gateway;
} {
  const client = fabricClientFor(connection);
  return { client, gateway: client.connect(connection) };
}

export function createFabricLedger(connection: FabricConnection): Ledger {
  const client = fabricClientFor(connection);
  const network = client.connect(connection).getNetwork(connection.channel);
  return new FabricLedger(network, connection.chaincode, connection.mspId, () => client.close());
}

/**
 * Ledgers for many identities (officers acting under their own certificates) over one
 * gRPC channel per endpoint.
 */
export function createFabricLedgerFactory(
  connection: Omit<FabricConnection, 'certificate' | 'privateKey'>,
): { as(identity: SigningIdentity): Ledger; close(): void; client: FabricClient } {
  const client = fabricClientFor(connection);
  return {
    client,
    as(identity) {
      const network = client.connect(identity).getNetwork(connection.channel);
      return new FabricLedger(network, connection.chaincode, identity.mspId, () => undefined);
    },
    close: () => client.close(),
  };
}
