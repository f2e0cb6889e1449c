/**
 * The gRPC side of the Fabric client: one channel per endpoint (peer or orderer), shared by
 * every identity of a factory, and the calls the client makes on them (ProcessProposal,
 * Broadcast, Deliver, DeliverFiltered, and the orderer's Deliver of its newest block), each
 * with a deadline.
 */
import * as grpc from '@grpc/grpc-js';
import { common, orderer, peer } from '@hyperledger/fabric-protos';

export interface EndpointAddress {
  /** host:port */
  endpoint: string;
  /** TLS server name (the certificate's host name). */
  hostAlias: string;
  /** PEM root of the endpoint's TLS server certificate (server-only TLS). */
  tlsRootCert: string;
}

export interface PeerAddress extends EndpointAddress {
  mspId: string;
}

/** Fails with the gRPC status of the call (ServiceError), or with a stream's Fabric status. */
export class DeliverStatusError extends Error {
  override readonly name = 'DeliverStatusError';
  constructor(
    readonly endpoint: string,
    /** common.Status */
    readonly status: number,
  ) {
    super(`${endpoint}: deliver ended with status ${status}`);
  }
}

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && 'code' in error && typeof error.code === 'number';
}

/** The grpc-js channels of a factory, opened on first use and closed together. */
export class EndpointPool {
  private readonly clients = new Map<string, grpc.Client>();
  private closed = false;

  client(address: EndpointAddress): grpc.Client {
    if (this.closed) throw new Error('the Fabric client is closed');
    const key = `${address.endpoint}|${address.hostAlias}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new grpc.Client(
        address.endpoint,
        grpc.credentials.createSsl(Buffer.from(address.tlsRootCert)),
        {
          'grpc.ssl_target_name_override': address.hostAlias,
          'grpc.default_authority': address.hostAlias,
          'grpc.max_receive_message_length': 100 * 1024 * 1024,
          'grpc.max_send_message_length': 100 * 1024 * 1024,
          // A dead endpoint is tried again within a second or two of coming back, not after
          // grpc-js's default backoff (up to 120 s after repeated failures).
          'grpc.initial_reconnect_backoff_ms': 250,
          'grpc.max_reconnect_backoff_ms': 2_000,
        },
      );
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * Drops an endpoint's channel: the next call opens a new one. For an endpoint that has
   * failed for a while: a grpc-js channel can stay unable to reconnect after its server
   * restarted (grpc/grpc-node#2785; seen here after the only orderer was killed: no
   * broadcast reached it again until the gateway restarted). Calls under way on the old
   * channel run to their end.
   */
  renew(address: EndpointAddress): void {
    const key = `${address.endpoint}|${address.hostAlias}`;
    this.clients.get(key)?.close();
    this.clients.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

const deadline = (ms: number): grpc.CallOptions => ({ deadline: Date.now() + ms });

/**
 * Serializers of our own rather than the generated ones: those check `instanceof` against
 * their copy of the message classes, which fails where modules load twice (Jest).
 */
const serialize = (message: { serializeBinary(): Uint8Array }): Buffer =>
  Buffer.from(message.serializeBinary());

const PATHS = {
  processProposal: peer.EndorserService.processProposal.path,
  broadcast: orderer.AtomicBroadcastService.broadcast.path,
  ordererDeliver: orderer.AtomicBroadcastService.deliver.path,
  deliver: peer.DeliverService.deliver.path,
  deliverFiltered: peer.DeliverService.deliverFiltered.path,
};

export function processProposal(
  client: grpc.Client,
  signed: peer.SignedProposal,
  timeoutMs: number,
  /** Cancels the call (an endorsement round that ended without this answer). */
  signal?: AbortSignal,
): Promise<peer.ProposalResponse> {
  return new Promise((resolve, reject) => {
    const call = client.makeUnaryRequest(
      PATHS.processProposal,
      serialize,
      (bytes: Buffer) => peer.ProposalResponse.deserializeBinary(bytes),
      signed,
      new grpc.Metadata(),
      deadline(timeoutMs),
      (error, response) => {
        if (error) reject(error);
        else if (!response) reject(new Error('empty proposal response'));
        else resolve(response);
      },
    );
    if (signal?.aborted) call.cancel();
    else signal?.addEventListener('abort', () => call.cancel(), { once: true });
  });
}

/** Sends one envelope to an orderer and reads its one answer. */
export function broadcast(
  client: grpc.Client,
  envelope: common.Envelope,
  timeoutMs: number,
): Promise<orderer.BroadcastResponse> {
  return new Promise((resolve, reject) => {
    const call = client.makeBidiStreamRequest(
      PATHS.broadcast,
      serialize,
      (bytes: Buffer) => orderer.BroadcastResponse.deserializeBinary(bytes),
      new grpc.Metadata(),
      deadline(timeoutMs),
    );
    let answered = false;
    call.on('data', (response: orderer.BroadcastResponse) => {
      answered = true;
      resolve(response);
      call.end();
    });
    call.on('error', (error: grpc.ServiceError) => {
      // After the answer the call ends; a late cancellation is not an outcome.
      if (!answered) reject(error);
    });
    call.on('end', () => {
      if (!answered) reject(new Error('the orderer closed the stream without an answer'));
    });
    call.write(envelope);
  });
}

/**
 * The one block an orderer's Deliver answers a seek for the newest block with (its header
 * tells the orderer's height); a status instead fails with DeliverStatusError.
 */
export function newestBlock(
  client: grpc.Client,
  endpoint: string,
  seek: common.Envelope,
  timeoutMs: number,
): Promise<common.Block> {
  return new Promise((resolve, reject) => {
    const call = client.makeBidiStreamRequest(
      PATHS.ordererDeliver,
      serialize,
      (bytes: Buffer) => orderer.DeliverResponse.deserializeBinary(bytes),
      new grpc.Metadata(),
      deadline(timeoutMs),
    );
    let answered = false;
    call.on('data', (response: orderer.DeliverResponse) => {
      if (answered) return;
      answered = true;
      const block = response.getBlock();
      if (block) resolve(block);
      else reject(new DeliverStatusError(endpoint, response.getStatus()));
      call.cancel();
    });
    call.on('error', (error: grpc.ServiceError) => {
      if (!answered) reject(error);
    });
    call.on('end', () => {
      if (!answered) reject(new DeliverStatusError(endpoint, common.Status.SERVICE_UNAVAILABLE));
    });
    call.write(seek);
  });
}

type DeliverKind = 'deliver' | 'deliverFiltered';

/**
 * Blocks (full or filtered) from a peer's Deliver service for one signed seek envelope,
 * until `signal` aborts (the call is cancelled and the generator ends) or the stream fails.
 */
export function deliver(
  client: grpc.Client,
  endpoint: string,
  kind: 'deliver',
  seek: common.Envelope,
  signal: AbortSignal,
): AsyncGenerator<common.Block>;
export function deliver(
  client: grpc.Client,
  endpoint: string,
  kind: 'deliverFiltered',
  seek: common.Envelope,
  signal: AbortSignal,
): AsyncGenerator<peer.FilteredBlock>;
export async function* deliver(
  client: grpc.Client,
  endpoint: string,
  kind: DeliverKind,
  seek: common.Envelope,
  signal: AbortSignal,
): AsyncGenerator<common.Block | peer.FilteredBlock> {
  if (signal.aborted) return;
  const call = client.makeBidiStreamRequest(
    PATHS[kind],
    serialize,
    (bytes: Buffer) => peer.DeliverResponse.deserializeBinary(bytes),
    new grpc.Metadata(),
    {},
  );
  const cancel = () => call.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  call.write(seek);
  try {
    for await (const message of call) {
      // grpc-js streams yield `any`: the deserializer above made each a DeliverResponse (an
      // instanceof check fails where the generated classes load twice, as under Jest).
      const response: peer.DeliverResponse = message;
      switch (response.getTypeCase()) {
        case peer.DeliverResponse.TypeCase.BLOCK:
        case peer.DeliverResponse.TypeCase.FILTERED_BLOCK: {
          const block = kind === 'deliver' ? response.getBlock() : response.getFilteredBlock();
          if (block) yield block;
          break;
        }
        case peer.DeliverResponse.TypeCase.STATUS:
          throw new DeliverStatusError(endpoint, response.getStatus());
        default:
          break;
      }
    }
  } catch (error) {
    // Our own cancellation ends the call with CANCELLED: the end the consumer asked for.
    if (signal.aborted && isServiceError(error) && error.code === grpc.status.CANCELLED) return;
    throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
    call.cancel();
  }
  if (!signal.aborted) throw new DeliverStatusError(endpoint, common.Status.SERVICE_UNAVAILABLE);
}
