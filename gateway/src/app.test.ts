import type { FastifyInstance } from 'fastify';
import { buildApp, portalCacheControl } from './app';
import { CommitError, EndorseError, LedgerUnavailableError } from '@clearance/fabric-client';
import type { Ledger } from './ports/ledger';
import {
  TEST_OFFICER,
  buildRecordedApp,
  createMemoryLedger,
  createMemorySessionStore,
  type RegisteredRoute,
} from '@clearance/testkit/gateway';
import type { InjectOptions } from 'fastify';
import { createBorder, createTestPki } from '@clearance/testkit/chaincode';
import type { Pool } from 'pg';

const identity = { mspId: 'GDCustomsMSP', id: 'x509::CN=user1::CN=ca' };

const sessions = createMemorySessionStore();
let token = '';
beforeAll(async () => {
  ({ token } = await sessions.create(TEST_OFFICER));
});

/** A request from a signed-in officer. */
const call = (target: FastifyInstance, options: InjectOptions) =>
  target.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } });

describe('gateway routes', () => {
  let app: FastifyInstance;
  let routes: readonly RegisteredRoute[];
  let ledger: ReturnType<typeof createMemoryLedger>;

  beforeEach(async () => {
    ledger = createMemoryLedger(identity);
    ({ app, routes } = await buildRecordedApp({ ledger, sessions }));
  });

  it('refuses every /v1 route without a valid session: 401 UNAUTHENTICATED, nothing written', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { cookie: 'session=nope' }]) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/self-checks',
        payload: {},
        headers,
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
    expect(ledger.chain.size).toBe(0);
  });

  it('decides on the matched route: escaped spellings of a /v1 path are refused alike', async () => {
    for (const url of ['/%761/self-checks', '/v1/%73elf-checks', '/%76%31/self-checks']) {
      const res = await app.inject({ method: 'POST', url, payload: {} });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 401 });
    }
    expect(ledger.chain.size).toBe(0);
    expect(routes.filter((r) => r.url === '/v1/self-checks')).toEqual([
      { method: 'POST', url: '/v1/self-checks', public: false },
    ]);
  });

  it('lets only officers record self-checks (under the gateway’s identity)', async () => {
    const { token: traderToken } = await sessions.create({
      kind: 'trader',
      id: 'trader-1',
      subject: 'CN=Trader',
      issuer: 'CN=CA',
      jurisdiction: 'GD',
      authorityId: 'GD-CA',
    });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/self-checks',
      payload: {},
      headers: { authorization: `Bearer ${traderToken}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(ledger.chain.size).toBe(0);
  });

  it('refuses a note the index could not store (U+0000) with 400 before the ledger', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/v1/self-checks',
      payload: { note: 'a\u0000b' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(ledger.chain.size).toBe(0);
  });

  it('accepts the session cookie as well as the bearer token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/self-checks',
      payload: {},
      headers: { cookie: `session=${token}` },
    });
    expect(res.statusCode).toBe(201);
  });

  it('sets security headers', async () => {
    const res = await call(app, { method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
  afterEach(() => app.close());

  it('GET /healthz answers while the process is up', async () => {
    const res = await call(app, { method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz reports the channel height', async () => {
    const res = await call(app, { method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', ledger: { channelHeight: '1' } });
  });

  it('GET /readyz is 503 when the ledger cannot be reached', async () => {
    const down: Ledger = {
      ...createMemoryLedger(identity),
      channelHeight: () => Promise.reject(new LedgerUnavailableError('no peer answered', [], {})),
    };
    const broken = await buildApp({ ledger: down, sessions });
    const res = await broken.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not ready' });
    await broken.close();
  });

  it('GET /readyz is degraded naming the peers that lag and the endpoints down', async () => {
    const lagging: Ledger = {
      ...createMemoryLedger(identity),
      health: () => ({
        down: [{ endpoint: '127.0.0.1:7150', role: 'orderer', since: 1_000, reason: 'deadline' }],
        lagging: [
          { endpoint: '127.0.0.1:9051', height: 300n, behindBlocks: 240, behindMs: 61_234 },
        ],
        ordererHeight: 540n,
      }),
    };
    const degraded = await buildApp({ ledger: lagging, sessions });
    const res = await degraded.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'degraded',
      ledger: {
        channelHeight: '1',
        ordererHeight: '540',
        down: [
          {
            endpoint: '127.0.0.1:7150',
            role: 'orderer',
            since: '1970-01-01T00:00:01.000Z',
            reason: 'deadline',
          },
        ],
        lagging: [
          { endpoint: '127.0.0.1:9051', height: '300', behindBlocks: 240, behindSeconds: 61.2 },
        ],
      },
    });
    await degraded.close();
  });

  it('POST /v1/self-checks commits and returns transaction id and block', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/v1/self-checks',
      payload: { checkId: 'c-1', note: 'hi' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ transactionId: string; blockNumber: string; record: unknown }>();
    expect(body).toMatchObject({ checkId: 'c-1', blockNumber: '1' });
    expect(body.record).toMatchObject({ checkId: 'c-1', note: 'hi', txId: body.transactionId });
    const get = await call(app, { method: 'GET', url: '/v1/self-checks/c-1' });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toEqual(body.record);
  });

  it('POST without an id generates one', async () => {
    const res = await call(app, { method: 'POST', url: '/v1/self-checks', payload: {} });
    expect(res.statusCode).toBe(201);
    expect(res.json<{ checkId: string }>().checkId).toMatch(/^check-[0-9a-f-]{36}$/);
  });

  it('a duplicate id is 409 ALREADY_EXISTS and the first record stays', async () => {
    await call(app, {
      method: 'POST',
      url: '/v1/self-checks',
      payload: { checkId: 'd', note: 'first' },
    });
    const res = await call(app, {
      method: 'POST',
      url: '/v1/self-checks',
      payload: { checkId: 'd', note: 'second' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: { code: 'ALREADY_EXISTS', message: 'self-check d is already recorded' },
    });
    const get = await call(app, { method: 'GET', url: '/v1/self-checks/d' });
    expect(get.json()).toMatchObject({ note: 'first' });
  });

  it.each([
    ['a bad id', { checkId: 'not ok' }],
    ['an unknown property', { checkId: 'x', extra: 1 }],
    ['a note too long', { note: 'n'.repeat(257) }],
    ['a wrong type', { note: 42 }],
  ])('rejects %s with 400 VALIDATION_FAILED and writes nothing', async (_label, payload) => {
    const res = await call(app, { method: 'POST', url: '/v1/self-checks', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(ledger.chain.size).toBe(0);
  });

  it('rejects malformed JSON, wrong content type and oversized bodies with coded errors', async () => {
    const bad = await call(app, {
      method: 'POST',
      url: '/v1/self-checks',
      headers: { 'content-type': 'application/json' },
      payload: '{"note":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const text = await call(app, {
      method: 'POST',
      url: '/v1/self-checks',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    const big = await call(app, {
      method: 'POST',
      url: '/v1/self-checks',
      payload: { note: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(ledger.chain.size).toBe(0);
  });

  it('GET of an unknown check is 404 NOT_FOUND; unknown routes too', async () => {
    const res = await call(app, { method: 'GET', url: '/v1/self-checks/none' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const route = await call(app, { method: 'GET', url: '/v1/nothing-here' });
    expect(route.statusCode).toBe(404);
    expect(route.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it("maps a Fabric client's stage error that reaches the edge by its code, once", async () => {
    const answers = [
      {
        endpoint: '127.0.0.1:7051',
        mspId: 'GDCustomsMSP',
        status: 14,
        message: 'x',
        transport: true,
      },
    ];
    for (const [error, status, code] of [
      [
        new LedgerUnavailableError('no peer answered', answers, { transactionId: 't1' }),
        503,
        'LEDGER_UNAVAILABLE',
      ],
      [
        new EndorseError('check none does not exist', answers, {
          transactionId: 't2',
          chaincodeError: { code: 'NOT_FOUND', message: 'check none does not exist' },
        }),
        404,
        'NOT_FOUND',
      ],
    ] as const) {
      const direct: Ledger = {
        ...createMemoryLedger(identity),
        evaluate: () => Promise.reject(error),
      };
      const edge = await buildApp({ ledger: direct, sessions });
      const res = await call(edge, { method: 'GET', url: '/v1/self-checks/none' });
      expect([res.statusCode, res.json().error]).toEqual([
        status,
        expect.objectContaining({ code, transactionId: error.transactionId }),
      ]);
      await edge.close();
    }
  });

  it('hides internals of unexpected failures behind 500 INTERNAL', async () => {
    const failing: Ledger = {
      ...createMemoryLedger(identity),
      submit: () => Promise.reject(new Error('secret stack detail')),
    };
    const broken = await buildApp({ ledger: failing, sessions });
    const res = await call(broken, { method: 'POST', url: '/v1/self-checks', payload: {} });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side.' },
    });
    expect(res.body).not.toContain('secret');
    await broken.close();
  });
});

describe('a lane device on a gateway without per-officer ledgers', () => {
  const lane = {
    kind: 'officer' as const,
    id: 'hkcustoms/lane-lmc',
    organisation: 'hkcustoms',
    mspId: 'HKCustomsMSP',
    name: 'lane-lmc',
    role: 'lane-device',
    controlPoint: 'LMC',
  };

  it('is refused rather than acting under the gateway’s identity, and is no full officer', async () => {
    const ledger = createMemoryLedger(identity);
    // The routes refuse before any query: a pool that is never used.
    const app = await buildApp({
      ledger,
      sessions,
      database: {} as Pool,
      tagKeys: { metaKey: Buffer.alloc(16), masterKey: Buffer.alloc(16) },
    });
    const { token: laneToken } = await sessions.create(lane);
    const as = (options: InjectOptions) =>
      app.inject({
        ...options,
        headers: { authorization: `Bearer ${laneToken}`, ...options.headers },
      });
    const refused = [
      await as({
        method: 'POST',
        url: '/v1/crossings',
        payload: { sealId: 'SEAL-1', controlPoint: 'LMC', direction: 'NORTHBOUND' },
        headers: { 'idempotency-key': 'lane-key-0001' },
      }),
      await as({
        method: 'POST',
        url: '/v1/seals/checks',
        payload: { controlPoint: 'LMC', url: 'https://seal.clearance.test/t?picc=00&cmac=00' },
      }),
      await as({ method: 'POST', url: '/v1/self-checks', payload: {} }),
    ];
    expect(refused.map((r) => [r.statusCode, r.json().error.code])).toEqual([
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
    ]);
    expect(refused[0]?.json().error.message).toContain('its own identity');
    expect(ledger.chain.size).toBe(0);
    await app.close();
  });
});

describe("the ledger's finer reason for a refusal", () => {
  it('reaches the HTTP body as error.reason beside the code', async () => {
    const officer = { ...identity, attributes: { role: 'customs-officer' } };
    const ledger = createMemoryLedger(officer);
    // The crossing route refuses on the ledger's word before any query: a pool never used.
    const app = await buildApp({ ledger, sessions, database: {} as Pool });
    const res = await call(app, {
      method: 'POST',
      url: '/v1/crossings',
      payload: { sealId: 'SEAL-1', controlPoint: 'QQQ', direction: 'NORTHBOUND' },
      headers: { 'idempotency-key': 'reason-key-0001' },
    });
    expect([res.statusCode, res.json()]).toEqual([
      400,
      {
        error: {
          code: 'INVALID_ARGUMENT',
          message: 'QQQ is not a control point',
          reason: 'UNKNOWN_CONTROL_POINT',
        },
      },
    ]);
    await app.close();
  });
});

describe('a tap at a control point', () => {
  it('that does not exist, or of the other side, is refused before the tag counter is used', async () => {
    const ledger = createMemoryLedger(identity);
    // Refused before any query or ledger call: a pool that is never used.
    const app = await buildApp({
      ledger,
      sessions,
      database: {} as Pool,
      tagKeys: { metaKey: Buffer.alloc(16), masterKey: Buffer.alloc(16) },
    });
    const tap = (controlPoint: string) =>
      call(app, {
        method: 'POST',
        url: '/v1/seals/checks',
        payload: { controlPoint, url: 'https://seal.clearance.test/t?picc=00&cmac=00' },
      });
    // TEST_OFFICER is a Guangdong customs officer: Lok Ma Chau is Hong Kong's.
    const refused = [await tap('LMC'), await tap('SZBHK'), await tap('QQQ')];
    expect(refused.map((r) => [r.statusCode, r.json().error.code, r.json().error.reason])).toEqual([
      [403, 'FORBIDDEN', 'CONTROL_POINT_OF_OTHER_SIDE'],
      [403, 'FORBIDDEN', 'CONTROL_POINT_OF_OTHER_SIDE'],
      [400, 'INVALID_ARGUMENT', 'UNKNOWN_CONTROL_POINT'],
    ]);
    expect(ledger.chain.size).toBe(0);
    await app.close();
  });
});

describe("an inspection's outcome over HTTP", () => {
  it('is endorsed again after an MVCC conflict invalidated the first attempt', async () => {
    const officer = { ...identity, attributes: { role: 'customs-officer' } };
    const twin = createMemoryLedger(officer);
    const border = await createBorder(await createTestPki(), twin.chain);
    await border.declaration('GD-I', 'GD');
    await border.device('EL-1', '04dd0000000001');
    await border.seal('SEAL-1', 'EL-1', ['GD-I']);
    await border.anchor('SEAL-1', 1, 10);
    await border.alarm('SEAL-1', 'TAMPER');
    await border.tap('SEAL-1', '04dd0000000001', 1);
    const { crossingId } = await border.decide('SEAL-1');
    let conflicts = 1;
    const ledger: Ledger = {
      ...twin,
      async submit(transaction, args, transient) {
        if (transaction === 'Crossing:RecordOutcome' && conflicts-- > 0)
          throw new CommitError(11, 5n, { transactionId: 'tx-mvcc' }); // MVCC_READ_CONFLICT
        return twin.submit(transaction, args, transient);
      },
    };
    const app = await buildApp({ ledger, sessions, database: {} as Pool });
    const res = await call(app, {
      method: 'POST',
      url: `/v1/crossings/${crossingId}/outcome`,
      payload: { outcome: 'CLEARED', reason: 'seal checked' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().crossing.inspection.outcome).toMatchObject({
      unheldDeclarations: ['GD-I'],
      clearedAlarms: [{ kind: 'TAMPER' }],
    });
    expect(conflicts).toBe(-1);
    await app.close();
  }, 60_000);
});

describe('the portal files: how long browsers keep them', () => {
  it('keeps content-hashed scripts and styles (and their compressed forms) for a year', () => {
    for (const file of [
      '/srv/portal/app-5KOAW5CG.js',
      '/srv/portal/chunks/chunk-O3D5WCOV.js',
      '/srv/portal/chunks/chunk-O3D5WCOV.js.br',
      '/srv/portal/styles-37BAE437.css.gz',
      '/srv/portal/app-5KOAW5CG.js.map',
    ])
      expect([file, portalCacheControl(file)]).toEqual([
        file,
        'public, max-age=31536000, immutable',
      ]);
  });

  it('has index.html, and any file not named by its content, asked for again every time', () => {
    for (const file of [
      '/srv/portal/index.html',
      '/srv/portal/index.html.br',
      '/srv/portal/app.js',
      '/srv/portal/styles.css',
      '/srv/portal/app-5koaw5cg.js',
    ])
      expect([file, portalCacheControl(file)]).toEqual([file, 'no-cache']);
  });
});
