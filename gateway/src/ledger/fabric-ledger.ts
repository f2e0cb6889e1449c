/** The Ledger on a real Fabric network, through the peer's Gateway service. */
import * as grpc from '@grpc/grpc-js';
import {
  CommitError,
  GatewayError,
  connect,
  hash,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { parseLedgerError } from '@clearance/chaincode/domain';
import { createPrivateKey } from 'node:crypto';
import { ApiError, LEDGER_TO_API } from '../errors';
import type { Committed, Ledger, Prepared, TransactionStatus } from './ledger';
import { messageSigner } from './signer';

export interface FabricConnection {
  mspId: string;
  peerEndpoint: string;
  peerHostAlias: string;
  tlsRootCert: string;
  certificate: string;
  privateKey: string;
  channel: string;
  chaincode: string;
}

const seconds = (n: number) => () => ({ deadline: Date.now() + n * 1000 });

/** Turns any client-side failure into a coded ApiError, keeping the ledger's own code. */
export function toApiError(error: unknown, transactionId?: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof CommitError) {
    return new ApiError('TRANSACTION_INVALID', `validation code ${error.code}`, {
      cause: error,
      transactionId: error.transactionId,
    });
  }
  const texts = [
    ...(error instanceof GatewayError ? error.details.map((d) => d.message) : []),
    error instanceof Error ? error.message : String(error),
  ];
  for (const text of texts) {
    const coded = parseLedgerError(text);
    if (coded)
      return new ApiError(LEDGER_TO_API[coded.code], coded.message, {
        cause: error,
        transactionId,
      });
  }
  // UNAVAILABLE: no peer answered; FAILED_PRECONDITION: the endorsers the policy needs
  // are not (yet) known to discovery. Both pass; neither is the caller's fault.
  const transient: number[] = [grpc.status.UNAVAILABLE, grpc.status.FAILED_PRECONDITION];
  if (error instanceof GatewayError && transient.includes(error.code)) {
    return new ApiError('LEDGER_UNAVAILABLE', undefined, { cause: error, transactionId });
  }
  return new ApiError('INTERNAL', undefined, { cause: error, transactionId });
}

class FabricLedger implements Ledger {
  private readonly network: Network;
  private readonly contract: Contract;

  constructor(
    private readonly gateway: Gateway,
    private readonly connection: Pick<FabricConnection, 'channel' | 'chaincode'>,
    /** Closes what this ledger owns (its gateway; the gRPC client when not shared). */
    private readonly release: () => void,
  ) {
    this.network = gateway.getNetwork(connection.channel);
    this.contract = this.network.getContract(connection.chaincode);
  }

  async submit(
    transaction: string,
    args: string[],
    transient: Record<string, string> = {},
  ): Promise<Committed> {
    let transactionId: string | undefined;
    try {
      const transientData = Object.fromEntries(
        Object.entries(transient).map(([k, v]) => [k, Buffer.from(v)]),
      );
      const submitted = await this.contract.submitAsync(transaction, {
        arguments: args,
        transientData,
      });
      transactionId = submitted.getTransactionId();
      const status = await submitted.getStatus();
      if (!status.successful) {
        throw new CommitError({
          message: `transaction ${transactionId} failed`,
          code: status.code,
          transactionId,
        });
      }
      return {
        transactionId,
        blockNumber: status.blockNumber,
        result: Buffer.from(submitted.getResult()).toString(),
      };
    } catch (error) {
      throw toApiError(error, transactionId);
    }
  }

  async prepare(
    transaction: string,
    args: string[],
    transient: Record<string, string> = {},
  ): Promise<Prepared> {
    try {
      const proposal = this.contract.newProposal(transaction, {
        arguments: args,
        transientData: Object.fromEntries(
          Object.entries(transient).map(([k, v]) => [k, Buffer.from(v)]),
        ),
      });
      const endorsed = await proposal.endorse();
      return {
        transactionId: endorsed.getTransactionId(),
        envelope: endorsed.getBytes(),
        result: Buffer.from(endorsed.getResult()).toString(),
      };
    } catch (error) {
      throw toApiError(error);
    }
  }

  async send(envelope: Uint8Array): Promise<TransactionStatus> {
    const transaction = this.gateway.newTransaction(envelope);
    const transactionId = transaction.getTransactionId();
    try {
      const status = await (await transaction.submit()).getStatus();
      if (status.successful) return { state: 'committed', blockNumber: status.blockNumber };
      // A duplicate is this very transaction committed before: report the first outcome.
      if (status.code === peer.TxValidationCode.DUPLICATE_TXID) return this.status(transactionId);
      return { state: 'invalid', blockNumber: status.blockNumber, validationCode: status.code };
    } catch (error) {
      throw toApiError(error, transactionId);
    }
  }

  async status(transactionId: string): Promise<TransactionStatus> {
    const qscc = this.network.getContract('qscc');
    const channel = this.connection.channel;
    let processed: peer.ProcessedTransaction;
    try {
      processed = peer.ProcessedTransaction.deserializeBinary(
        await qscc.evaluateTransaction('GetTransactionByID', channel, transactionId),
      );
    } catch (error) {
      const texts = [
        ...(error instanceof GatewayError ? error.details.map((d) => d.message) : []),
        String(error),
      ];
      if (texts.some((t) => /not found|no such transaction/i.test(t))) return { state: 'unknown' };
      throw toApiError(error, transactionId);
    }
    try {
      const block = common.Block.deserializeBinary(
        await qscc.evaluateTransaction('GetBlockByTxID', channel, transactionId),
      );
      const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
      const code = processed.getValidationcode();
      return code === peer.TxValidationCode.VALID
        ? { state: 'committed', blockNumber }
        : { state: 'invalid', blockNumber, validationCode: code };
    } catch (error) {
      throw toApiError(error, transactionId);
    }
  }

  async evaluate(transaction: string, args: string[]): Promise<string> {
    try {
      return Buffer.from(await this.contract.evaluateTransaction(transaction, ...args)).toString();
    } catch (error) {
      throw toApiError(error);
    }
  }

  async channelHeight(): Promise<bigint> {
    try {
      const qscc = this.network.getContract('qscc');
      const bytes = await qscc.evaluateTransaction('GetChainInfo', this.connection.channel);
      return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    } catch (error) {
      throw toApiError(error);
    }
  }

  async close(): Promise<void> {
    this.release();
  }
}

function grpcClient(
  connection: Pick<FabricConnection, 'peerEndpoint' | 'tlsRootCert' | 'peerHostAlias'>,
): grpc.Client {
  return new grpc.Client(
    connection.peerEndpoint,
    grpc.credentials.createSsl(Buffer.from(connection.tlsRootCert)),
    { 'grpc.ssl_target_name_override': connection.peerHostAlias },
  );
}

function gatewayFor(
  client: grpc.Client,
  identity: { mspId: string; certificate: string; privateKey: string },
): Gateway {
  return connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
    signer: messageSigner(createPrivateKey(identity.privateKey)),
    hash: hash.none,
    evaluateOptions: seconds(5),
    endorseOptions: seconds(15),
    submitOptions: seconds(5),
    commitStatusOptions: seconds(60),
  });
}

/** A Gateway connection as one identity; the caller closes both gateway and client. */
export function connectGateway(connection: FabricConnection): {
  client: grpc.Client;
  gateway: Gateway;
} {
  const client = grpcClient(connection);
  return { client, gateway: gatewayFor(client, connection) };
}

export function createFabricLedger(connection: FabricConnection): Ledger {
  const { client, gateway } = connectGateway(connection);
  return new FabricLedger(gateway, connection, () => {
    gateway.close();
    client.close();
  });
}

export interface SigningIdentity {
  mspId: string;
  certificate: string;
  privateKey: string;
}

/**
 * Ledgers for many identities (officers acting under their own certificates) over one
 * gRPC connection to the gateway's peer.
 */
export function createFabricLedgerFactory(
  connection: Omit<FabricConnection, 'certificate' | 'privateKey' | 'mspId'>,
): { as(identity: SigningIdentity): Ledger; close(): void } {
  const client = grpcClient(connection);
  return {
    as(identity) {
      const gateway = gatewayFor(client, identity);
      return new FabricLedger(gateway, connection, () => gateway.close());
    },
    close: () => client.close(),
  };
}
