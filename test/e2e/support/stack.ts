/**
 * The whole system for browser tests: the devnet, a throwaway PostgreSQL database, Redis,
 * the officers' accounts, the indexer, and the gateway serving the API and the built
 * portal on one origin (as `npm start` does).
 */
import {
  buildApp,
  connectGateway,
  createFabricLedgerFactory,
  createIndexStore,
  loadConfig,
  migrate,
  startGatewayServices,
  startIndexer,
  type Ledger,
} from '@clearance/gateway';
import { Devnet } from '@clearance/network';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { importDevnetAccounts, officerLedgers } from '../../support/devnet-fixtures';

export const OFFICER_PASSWORD = 'e2e officer password';
export const PORTAL_DIR = path.join(__dirname, '..', '..', '..', 'portal', 'dist');

export interface Stack {
  base: string;
  /** A ledger connection acting as `<org>/<name>` directly (for fixtures). */
  as(who: string): Ledger;
  stop(): Promise<void>;
}

export async function startStack(run: string): Promise<Stack> {
  execFileSync(process.execPath, [path.join(PORTAL_DIR, '..', 'build.mjs')], { stdio: 'ignore' });
  const devnet = new Devnet({ log: () => undefined });
  await devnet.up();
  const { as, closeAll } = officerLedgers(devnet);
  let db: TestDatabase | undefined;
  const stops: (() => Promise<unknown> | unknown)[] = [closeAll];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    db = await createTestDatabase();
    stops.push(() => db?.drop());
    await migrate(db.pool);
    const urls = await devnet.services();
    const own = loadConfig({ FABRIC_CONNECTION: devnet.connectionFile('gdcustoms') }).fabric;
    const factory = createFabricLedgerFactory(own);
    stops.push(() => factory.close());
    const services = await startGatewayServices({
      pool: db.pool,
      redisUrl: urls.redisUrl,
      queuePrefix: `e2e-${run.toLowerCase()}`,
      kek: Buffer.alloc(32, 7),
      ledgerAs: (identity) => factory.as(identity),
    });
    stops.push(() => services.close());
    await importDevnetAccounts(services.accounts, devnet, OFFICER_PASSWORD);
    const events = connectGateway(own);
    stops.push(() => {
      events.gateway.close();
      events.client.close();
    });
    const indexer = startIndexer({
      network: events.gateway.getNetwork(own.channel),
      channel: own.channel,
      chaincode: own.chaincode,
      store: createIndexStore(db.pool),
    });
    stops.push(() => indexer.stop());
    const app = await buildApp({
      ledger: factory.as(own),
      sessions: services.sessions,
      accounts: services.accounts,
      database: db.pool,
      operations: services.operations,
      notifications: services.notifications,
      ledgers: services.ledgers,
      portalDir: PORTAL_DIR,
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => app.close());
    return { base, as, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
