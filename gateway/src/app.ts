/**
 * The gateway as a plugin tree: infrastructure (errors, ledger) → routes. Building the app
 * opens nothing by itself; the caller hands in the ledger, so tests can pass a twin.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Pool } from 'pg';
import type { Ledger } from './ledger/ledger';
import errorsPlugin from './plugins/errors';
import ledgerPlugin from './plugins/ledger';
import healthRoutes from './routes/health';
import checkpointRoutes from './routes/checkpoints';
import readingRoutes from './routes/readings';
import selfCheckRoutes from './routes/self-checks';
import { ledgerDeviceDirectory } from './readings/directory';
import type { DeviceDirectory } from './readings/ingest';
import type { TagKeys } from '@clearance/seal-devices/domain';

export interface AppOptions {
  ledger: Ledger;
  /** PostgreSQL of the index and the readings; routes that need it exist only with it. */
  database?: Pool;
  /** Device keys and seals; by default read from the ledger. */
  deviceDirectory?: DeviceDirectory;
  /** NFC tag keys (meta key, master of the per-tag keys): with them, the checkpoint route. */
  tagKeys?: TagKeys;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
  });
  // The API speaks JSON only; anything else is 415 rather than a string body.
  app.removeContentTypeParser('text/plain');
  await app.register(errorsPlugin);
  await app.register(ledgerPlugin, { ledger: options.ledger });
  await app.register(healthRoutes);
  await app.register(selfCheckRoutes);
  if (options.database) {
    const directory = options.deviceDirectory ?? ledgerDeviceDirectory(options.ledger);
    await app.register(readingRoutes, { pool: options.database, directory });
    if (options.tagKeys)
      await app.register(checkpointRoutes, { pool: options.database, keys: options.tagKeys });
  }
  await app.ready();
  return app;
}

export type { Committed, Ledger } from './ledger/ledger';
export { connectGateway, createFabricLedger } from './ledger/fabric-ledger';
export type { FabricConnection } from './ledger/fabric-ledger';
export { loadConfig, ConfigError } from './config';
export type { Config } from './config';
export { migrate, MIGRATIONS } from './index/migrations';
export { createIndexStore } from './index/store';
export { startIndexer } from './index/listener';
export { anchorPending } from './readings/anchor';
export { ledgerDeviceDirectory } from './readings/directory';
export { ingestReadings } from './readings/ingest';
export { startAnchorWorker } from './readings/worker';
