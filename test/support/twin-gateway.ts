/**
 * The gateway on real PostgreSQL and Redis with the contracts on the in-memory ledger twin:
 * its services (operations queue, sessions, accounts), one account per test identity (with
 * a password, except filing agents), and the Fastify app, not yet listening, with the routes
 * it registered.
 */
import type { TestIdentity } from '@clearance/testkit/chaincode';
import { startGatewayServices, type AppOptions, type Ledger } from '@clearance/gateway';
import {
  TEST_METRICS_TOKEN,
  buildRecordedApp,
  type createMemoryNetwork,
} from '@clearance/testkit/gateway';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

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
