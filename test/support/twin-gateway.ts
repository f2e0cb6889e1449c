/**
 * The gateway on real PostgreSQL and Redis with the contracts on the in-memory ledger twin:
 * its services (operations queue, sessions, accounts), one account per test identity (with
 * a password, except filing agents), and the Fastify app, not yet listening, with the routes
 * it registered. twinGatewaySuite sets it all up (and down) for a test suite, and
 * gatewayHttp speaks to it over HTTP.
 */
import { canonicalBytes } from '@clearance/core';
import { Devnet, requestJson } from '@clearance/devnet';
import {
  OFFICERS,
  createTestPki,
  listAuthority,
  sampleFiling,
  type TestIdentity,
  type TestPki,
  type TestSigner,
} from '@clearance/testkit/chaincode';
import { migrate, startGatewayServices, type AppOptions, type Ledger } from '@clearance/gateway';
import {
  TEST_METRICS_TOKEN,
  buildRecordedApp,
  createMemoryNetwork,
  type RegisteredRoute,
} from '@clearance/testkit/gateway';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from './database';

export type GatewayServices = Awaited<ReturnType<typeof startGatewayServices>>;
export const TEST_PASSWORD = 'correct horse battery staple';

export async function startTwinGateway(options: {
  network: ReturnType<typeof createMemoryNetwork>;
  pool: Pool;
  redisUrl: string;
  /** Account id (`org/name`) → the identity it acts under on the twin. */
  accounts: Record<string, TestIdentity>;
  /** The ledger the app itself reads and self-checks with. */
  appIdentity: TestIdentity;
  queuePrefix: string;
  rateLimit?: AppOptions['rateLimit'];
  /** Wraps the app's own ledger (to count what the app asks of it). */
  wrapLedger?: (ledger: Ledger) => Ledger;
  /** Other app options (limits, metrics token, ...). */
  app?: Partial<AppOptions>;
}) {
  const { network, accounts } = options;
  const services = await startGatewayServices({
    pool: options.pool,
    redisUrl: options.redisUrl,
    queuePrefix: `${options.queuePrefix}-${randomUUID().slice(0, 8)}`,
    kek: Buffer.alloc(32, 7),
    ledgerAs: (_identity, accountId) => network.as(accounts[accountId]!),
  });
  for (const [account, identity] of Object.entries(accounts)) {
    const [organisation, username] = account.split('/') as [string, string];
    await services.accounts.upsert({
      organisation,
      username,
      mspId: identity.mspId,
      role: identity.attributes?.role ?? '',
      controlPoint: identity.attributes?.controlPoint,
      certificate: `certificate of ${account}`,
      privateKey: `key of ${account}`,
      ...(username === 'agent' ? {} : { password: TEST_PASSWORD }),
    });
  }
  const own = network.as(options.appIdentity);
  const { app, routes } = await buildRecordedApp({
    ledger: options.wrapLedger ? options.wrapLedger(own) : own,
    sessions: services.sessions,
    accounts: services.accounts,
    database: options.pool,
    operations: services.operations,
    notifications: services.notifications,
    ledgers: services.ledgers,
    readiness: { redis: () => services.operations.queue.ping() },
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    metricsToken: TEST_METRICS_TOKEN,
    ...options.app,
  });
  return { services, app, routes };
}

export interface TwinGatewaySuite {
  readonly network: ReturnType<typeof createMemoryNetwork>;
  db: TestDatabase;
  services: GatewayServices;
  app: FastifyInstance;
  routes: readonly RegisteredRoute[];
  /** Where the gateway listens (with `listen`). */
  base: string;
  /** A test PKI of the suite's own, its authorities listed as `authorities` asks (if any). */
  pki: TestPki;
}

/**
 * Registers a suite's set-up (a database of its own, the devnet's PostgreSQL and Redis,
 * the schema, the authorities it lists, the gateway) and its tear-down. The fields are set
 * once the suite's first beforeAll ran.
 */
export function twinGatewaySuite(
  options: Omit<Parameters<typeof startTwinGateway>[0], 'network' | 'pool' | 'redisUrl' | 'app'> & {
    /** Other app options, given the suite's pool. */
    app?: (pool: Pool) => Partial<AppOptions>;
    /** The PKI's authorities to put on the trust list (each proposed by its own side). */
    authorities?: readonly ('gd' | 'hk')[];
    listen?: boolean;
  },
): TwinGatewaySuite {
  const { app, authorities = [], listen = false, ...gateway } = options;
  const devnet = new Devnet({ log: () => undefined });
  const suite = { network: createMemoryNetwork() } as TwinGatewaySuite;
  let started: string[] = [];
  beforeAll(async () => {
    suite.db = await createTestDatabase();
    const urls = await devnet.services();
    started = urls.started;
    await migrate(suite.db.pool);
    if (authorities.length > 0) {
      suite.pki = await createTestPki({ idSuffix: randomUUID().slice(0, 6).toUpperCase() });
      const gdAdmin = suite.network.as(OFFICERS.gdTrustAdmin);
      const hkAdmin = suite.network.as(OFFICERS.hkTrustAdmin);
      if (authorities.includes('gd')) await listAuthority(gdAdmin, hkAdmin, suite.pki.gd);
      if (authorities.includes('hk')) await listAuthority(hkAdmin, gdAdmin, suite.pki.hk);
    }
    ({
      services: suite.services,
      app: suite.app,
      routes: suite.routes,
    } = await startTwinGateway({
      ...gateway,
      network: suite.network,
      pool: suite.db.pool,
      redisUrl: urls.redisUrl,
      ...(app ? { app: app(suite.db.pool) } : {}),
    }));
    if (listen)
      suite.base = (await suite.app.listen({ host: '127.0.0.1', port: 0 })).replace(
        'localhost',
        '127.0.0.1',
      );
  }, 120_000);
  afterAll(async () => {
    await suite.app?.close();
    await suite.services?.close();
    await suite.db?.drop();
    if (started.length) await devnet.stop(started);
  }, 60_000);
  return suite;
}

// Response bodies: their shape is what the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

/** Requests to a listening gateway, and trader sign-in through them. */
export function gatewayHttp(base: () => string) {
  /** A JSON request: the body parsed (its text when not JSON, undefined when empty). */
  const http = async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; body: Body }> => {
    const res = await requestJson(base(), method, path, options);
    return {
      status: res.status,
      headers: res.headers,
      body: res.body === '' ? undefined : res.body,
    };
  };

  const trader = async (signer: TestSigner) => {
    const { body } = await http('POST', '/v1/auth/challenge', { body: {} });
    const signature = await signer.sign(Buffer.from(body.challenge, 'base64'));
    return http('POST', '/v1/auth/trader', {
      body: { challengeId: body.challengeId, signature: Buffer.from(signature).toString('base64') },
    });
  };

  /** Trader sign-in, tried again for a few seconds (the trust list is cached 5 s) until `status`. */
  const signInSoon = async (signer: TestSigner, status: number, attempts = 80) => {
    for (let attempt = 0; ; attempt++) {
      const res = await trader(signer);
      if (res.status === status || attempt === attempts) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  return { http, trader, signInSoon };
}

/** A sample filing with the signer's detached signature over its canonical bytes. */
export async function signedFiling(id: string, signer: TestSigner, jurisdiction?: 'GD' | 'HK') {
  const filing = sampleFiling(id, jurisdiction);
  const signature = Buffer.from(await signer.sign(canonicalBytes(filing))).toString('base64');
  return { ...filing, signature };
}
