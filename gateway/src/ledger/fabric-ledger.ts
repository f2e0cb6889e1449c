/** The Ledger on a real Fabric network, through the peer's Gateway service. */
import * as grpc from '@grpc/grpc-js';
import {
  CommitError,
  GatewayError,
  connect,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { parseLedgerError } from '@clearance/chaincode/domain';
import { createPrivateKey } from 'node:crypto';
import { ApiError, LEDGER_TO_API } from '../errors';
import type { Committed, Ledger } from './ledger';

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
    private readonly client: grpc.Client,
    private readonly gateway: Gateway,
    private readonly connection: FabricConnection,
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
    this.gateway.close();
    this.client.close();
  }
}

/** A Gateway connection as one identity; the caller closes both gateway and client. */
export function connectGateway(connection: FabricConnection): {
  client: grpc.Client;
  gateway: Gateway;
} {
  const client = new grpc.Client(
    connection.peerEndpoint,
    grpc.credentials.createSsl(Buffer.from(connection.tlsRootCert)),
    { 'grpc.ssl_target_name_override': connection.peerHostAlias },
  );
  const gateway = connect({
    client,
    identity: { mspId: connection.mspId, credentials: Buffer.from(connection.certificate) },
    signer: signers.newPrivateKeySigner(createPrivateKey(connection.privateKey)),
    hash: hash.sha256,
    evaluateOptions: seconds(5),
    endorseOptions: seconds(15),
    submitOptions: seconds(5),
    commitStatusOptions: seconds(60),
  });
  return { client, gateway };
}

export function createFabricLedger(connection: FabricConnection): Ledger {
  const { client, gateway } = connectGateway(connection);
  return new FabricLedger(client, gateway, connection);
}
