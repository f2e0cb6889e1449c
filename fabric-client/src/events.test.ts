/**
 * A block stream that stops delivering blocks its peer is known to have is cancelled with a
 * DeliverStalledError and its gRPC channel renewed, so its reader reconnects; one that waits
 * at the peer's height (nothing new yet) stays open. Against a real gRPC server that sends
 * the blocks it is told to and then says nothing.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import { generateKeyPairSync } from 'node:crypto';
import { blocks, DeliverStalledError, type EventChannel } from './events';
import { newSession } from './identity';

const session = newSession({
  mspId: 'Org1MSP',
  certificate: 'not checked by this server',
  privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
});

function block(n: number): peer.DeliverResponse {
  const header = new common.BlockHeader();
  header.setNumber(n);
  const b = new common.Block();
  b.setHeader(header);
  const response = new peer.DeliverResponse();
  response.setBlock(b);
  return response;
}

/** A Deliver service that sends blocks 0..sent-1 and then holds the stream open, silent. */
async function silentPeer(sent: number): Promise<{ endpoint: string; server: grpc.Server }> {
  const server = new grpc.Server();
  server.addService(
    {
      deliver: {
        path: peer.DeliverService.deliver.path,
        requestStream: true,
        responseStream: true,
        requestSerialize: (m: common.Envelope) => Buffer.from(m.serializeBinary()),
        requestDeserialize: (b: Buffer) => common.Envelope.deserializeBinary(b),
        responseSerialize: (m: peer.DeliverResponse) => Buffer.from(m.serializeBinary()),
        responseDeserialize: (b: Buffer) => peer.DeliverResponse.deserializeBinary(b),
      },
    },
    {
      deliver: (call: grpc.ServerDuplexStream<common.Envelope, peer.DeliverResponse>) => {
        call.once('data', () => {
          for (let n = 0; n < sent; n++) call.write(block(n));
        });
        call.on('error', () => undefined);
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { endpoint: `127.0.0.1:${port}`, server };
}

describe('a block stream', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  /** `peerHeight`: the height the client's probes saw the peer at, asked when it checks. */
  async function network(sent: number, peerHeight: () => bigint) {
    const { endpoint, server } = await silentPeer(sent);
    const client = new grpc.Client(endpoint, grpc.credentials.createInsecure());
    const renewed: string[] = [];
    cleanup.push(() => {
      client.close();
      server.forceShutdown();
    });
    const net: EventChannel = {
      session,
      channel: 'clearance',
      client: {
        addresses: { home: { mspId: 'Org1MSP', endpoint, hostAlias: 'peer0', tlsRootCert: '' } },
        pool: { client: () => client, renew: (a) => renewed.push(a.endpoint) },
        health: { peerHeight },
      },
    };
    return { net, renewed, endpoint };
  }

  it('that stops short of the height its peer is known at fails as stalled, and renews the channel', async () => {
    const seen: bigint[] = [];
    // The probes see the peer at 5 once the stream has its two blocks (a loaded machine may
    // take a while to set the connection up; that is not what is tested).
    const { net, renewed, endpoint } = await network(2, () => (seen.length < 2 ? 0n : 5n));
    const failure = await (async () => {
      for await (const b of blocks(net, 0n, 500))
        seen.push(BigInt(b.getHeader()?.getNumber() ?? -1));
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0n, 1n]);
    expect(failure).toBeInstanceOf(DeliverStalledError);
    expect(failure).toMatchObject({ waitingFor: 2n, peerHeight: 5n });
    expect(renewed).toEqual([endpoint]);
  });

  it('waiting at its peer’s height (no block yet) stays open until closed', async () => {
    const seen: bigint[] = [];
    const { net, renewed } = await network(2, () => (seen.length < 2 ? 0n : 2n));
    const stream = blocks(net, 0n, 500);
    const reading = (async () => {
      for await (const b of stream) seen.push(BigInt(b.getHeader()?.getNumber() ?? -1));
    })();
    // Both blocks in, then longer than the stall bound with nothing new.
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1_500));
    stream.close();
    await expect(reading).resolves.toBeUndefined();
    expect(seen).toEqual([0n, 1n]);
    expect(renewed).toEqual([]);
  });
});
