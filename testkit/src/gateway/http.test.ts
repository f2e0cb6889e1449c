import * as http from 'node:http';
import * as net from 'node:net';
import { freePort, signInTrader, until } from './http';

describe('freePort', () => {
  it('gives a port that can be listened on', async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('until', () => {
  it('returns the first value that is not undefined, a throwing probe counting as not yet', async () => {
    let calls = 0;
    const value = await until(
      'the third call',
      5_000,
      async () => {
        calls++;
        if (calls === 1) throw new Error('not up');
        return calls === 3 ? 'ready' : undefined;
      },
      1,
    );
    expect([value, calls]).toEqual(['ready', 3]);
  });

  it('times out naming what it waited for, with the last error as its cause', async () => {
    const failure = until(
      'nothing',
      20,
      async () => {
        throw new Error('still down');
      },
      5,
    );
    await expect(failure).rejects.toThrow('timed out waiting for nothing');
    await expect(failure).rejects.toMatchObject({ cause: new Error('still down') });
  });
});

describe('signInTrader', () => {
  let server: http.Server;
  let base: string;
  let accept = true;
  const received: unknown[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (req.url === '/v1/auth/challenge') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              challengeId: 'c1',
              challenge: Buffer.from('nonce').toString('base64'),
            }),
          );
        } else if (req.url === '/v1/auth/trader' && accept) {
          received.push(JSON.parse(body));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ token: 't1' }));
        } else {
          res.writeHead(422, { 'content-type': 'application/json' });
          res.end('{"error":{"code":"SIGNATURE_INVALID"}}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const signer = {
    sign: async (content: Uint8Array) => Buffer.concat([Buffer.from('signed:'), content]),
  };

  it('signs the challenge and returns the token', async () => {
    accept = true;
    expect(await signInTrader(base, signer)).toBe('t1');
    expect(received).toEqual([
      { challengeId: 'c1', signature: Buffer.from('signed:nonce').toString('base64') },
    ]);
  });

  it('throws with the status and body when refused', async () => {
    accept = false;
    await expect(signInTrader(base, signer)).rejects.toThrow(
      'trader sign-in: 422 {"error":{"code":"SIGNATURE_INVALID"}}',
    );
  });
});
