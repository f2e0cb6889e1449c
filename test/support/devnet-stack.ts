/**
 * The gateway on the devnet as `npm start` runs it, for tests: a throwaway PostgreSQL
 * database, Redis, every devnet officer's account (one password), the indexer following
 * block events, and the app listening on a free port; optionally the NFC tag keys (the
 * checkpoint route) and the built portal. `stop` undoes it all in reverse order.
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
import { devnetEvidence, type DevnetEvidence } from '@clearance/load/evidence-harness';
import { Devnet } from '@clearance/devnet';
import type { TagKeys } from '@clearance/domain/node';
import type { Pool } from 'pg';
import { createTestDatabase } from './database';
import { importDevnetAccounts, officerLedgers } from './devnet-fixtures';

export interface DevnetStack {
  base: string;
  /** A ledger connection acting as `<org>/<name>` directly (for fixtures). */
  as(who: string): Ledger;
  /** The index's database. */
  pool: Pool;
  /** With `evidence`: the harness (each organisation's reader and attester). */
  evidence?: DevnetEvidence;
  /** A bearer token of a devnet officer's account (signed in once per account). */
  officerToken(account: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startDevnetStack(options: {
  run: string;
  password: string;
  tagKeys?: TagKeys;
  portalDir?: string;
  /** The evidence routes, with attesters for both customs services (the evidence harness). */
  evidence?: boolean;
  /**
   * Whose gateway: its own reads and index go through this organisation's peer (default GD
   * customs'). Two stacks, a GD and an HK one, stand for each side's own gateway.
   */
  organisation?: string;
}): Promise<DevnetStack> {
  const devnet = new Devnet({ log: () => undefined });
  await devnet.up();
  const { as, closeAll } = officerLedgers(devnet);
  const stops: (() => Promise<unknown> | unknown)[] = [closeAll];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const db = await createTestDatabase();
    stops.push(() => db.drop());
    await migrate(db.pool);
    const urls = await devnet.services();
    if (urls.started.length) stops.push(() => devnet.stop(urls.started));
    const own = loadConfig({
      FABRIC_CONNECTION: devnet.connectionFile(options.organisation ?? 'gdcustoms'),
    }).fabric;
    const factory = createFabricLedgerFactory(own);
    stops.push(() => factory.close());
    const services = await startGatewayServices({
      pool: db.pool,
      redisUrl: urls.redisUrl,
      queuePrefix: `stack-${options.run.toLowerCase()}`,
      kek: Buffer.alloc(32, 7),
      ledgerAs: (identity) => factory.as(identity),
    });
    stops.push(() => services.close());
    await importDevnetAccounts(services.accounts, devnet, options.password);
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
    const evidence = options.evidence ? await devnetEvidence(devnet) : undefined;
    if (evidence) stops.push(() => evidence.close());
    const app = await buildApp({
      ledger: factory.as(own),
      sessions: services.sessions,
      accounts: services.accounts,
      database: db.pool,
      operations: services.operations,
      notifications: services.notifications,
      ledgers: services.ledgers,
      ...(options.tagKeys ? { tagKeys: options.tagKeys } : {}),
      ...(options.portalDir ? { portalDir: options.portalDir } : {}),
      ...(evidence
        ? { evidence: { builder: evidence.builder, trustRoot: evidence.trustRoot } }
        : {}),
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => app.close());
    const tokens = new Map<string, Promise<string>>();
    const officerToken = (account: string): Promise<string> => {
      let token = tokens.get(account);
      if (!token) {
        const [organisation, username] = account.split('/');
        token = fetch(`${base}/v1/auth/officer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ organisation, username, password: options.password }),
        }).then(async (res) => {
          const body = (await res.json()) as { token?: string };
          if (!body.token) throw new Error(`${account} could not sign in: ${res.status}`);
          return body.token;
        });
        tokens.set(account, token);
      }
      return token;
    };
    return { base, as, pool: db.pool, officerToken, stop, ...(evidence ? { evidence } : {}) };
  } catch (error) {
    await stop();
    throw error;
  }
}
