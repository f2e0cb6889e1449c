/**
 * Timeouts everywhere: a request whose body (or headers) trickles in is answered 408 and
 * closed once the request time is up; an idle keep-alive connection is closed; one client
 * address holds a bounded number of connections. The limits are made short here.
 */
import type { FastifyInstance } from 'fastify';
import * as net from 'node:net';
import { createMemoryLedger, createMemorySessionStore } from '@clearance/testkit/gateway';
import { buildApp } from '../app';
import type { AccountStore } from '../auth/accounts';

const accounts: AccountStore = {
  signIn: async () => undefined,
  identity: async () => {
    throw new Error('no accounts here');
  },
  upsert: async () => 'none',
};

describe('server timeouts and connection limits', () => {
  let app: FastifyInstance;
  let port = 0;
  beforeAll(async () => {
    app = await buildApp({
      ledger: createMemoryLedger({ mspId: 'GDCustomsMSP', id: 'x509::CN=gw::CN=ca' }),
      sessions: createMemorySessionStore(),
      accounts,
      serverLimits: {
        requestMs: 1500,
        headersMs: 1000,
        keepAliveMs: 500,
        idleMs: 3000,
        connectionsPerClient: 5,
      },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
  });

  /** A raw connection: what it received, and when the server closed it (ms after opening). */
  const connect = () =>
    new Promise<{ socket: net.Socket; received: () => string; closed: Promise<number> }>(
      (resolve) => {
        const started = Date.now();
        let text = '';
        const socket = net.connect(port, '127.0.0.1', () =>
          resolve({ socket, received: () => text, closed }),
        );
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('error', () => undefined);
        const closed = new Promise<number>((done) =>
          socket.on('close', () => done(Date.now() - started)),
        );
      },
    );
  /** Writes `text` one byte every `everyMs` until the socket closes or `text` ends. */
  const trickle = async (socket: net.Socket, text: string, everyMs: number) => {
    for (const ch of text) {
      if (socket.destroyed) return;
      socket.write(ch);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };

  it('answers 408 and closes a request whose body trickles in past the request time', async () => {
    const body = JSON.stringify({ organisation: 'gdcustoms', username: 'x', password: 'y' });
    const c = await connect();
    c.socket.write(
      `POST /v1/auth/officer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    void trickle(c.socket, body, 400);
    const closedAfter = await c.closed;
    expect(closedAfter).toBeLessThan(4000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(c.received()).toContain('"code":"REQUEST_TIMEOUT"');
  }, 15_000);

  it('closes a connection whose headers trickle in', async () => {
    const c = await connect();
    void trickle(
      c.socket,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n',
      300,
    );
    expect(await c.closed).toBeLessThan(4000);
  }, 15_000);

  it('closes an idle keep-alive connection', async () => {
    const c = await connect();
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c.closed).toBeLessThan(3000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 /);
  }, 15_000);

  it('holds at most the limit of connections from one address; the others are closed at once', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => connect()));
    const over = await connect();
    expect(await over.closed).toBeLessThan(500);
    // Those within the limit still answer.
    held[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 200));
    expect(held[0]!.received()).toMatch(/^HTTP\/1\.1 200 /);
    for (const h of held) h.socket.destroy();
  }, 15_000);
});
