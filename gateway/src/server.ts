/** Builds the app from configuration, listens, and closes gracefully on SIGINT/SIGTERM. */
import { Pool } from 'pg';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { migrate } from './index/migrations';
import { createFabricLedger } from './ledger/fabric-ledger';
import { startAnchorWorker, type AnchorWorker } from './readings/worker';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const ledger = createFabricLedger(config.fabric);
  const database = config.databaseUrl
    ? new Pool({ connectionString: config.databaseUrl, max: 10 })
    : undefined;
  if (database) await migrate(database);
  const app = await buildApp({
    ledger,
    ...(database ? { database } : {}),
    logger: { level: config.logLevel },
  });
  let worker: AnchorWorker | undefined;
  const operator = config.sealOperator && createFabricLedger(config.sealOperator);
  if (database && operator) {
    worker = startAnchorWorker({
      pool: database,
      ledger: operator,
      onError: (err) => app.log.error({ err }, 'anchoring failed'),
    });
  }
  let closing = false;
  const close = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing: draining in-flight requests');
    await app.close();
    await worker?.stop();
    await operator?.close();
    await database?.end();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`gateway: ${error.message}`);
  } else {
    console.error('gateway failed to start:', error);
  }
  process.exit(1);
});
