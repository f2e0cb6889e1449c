/** Builds the app from configuration, listens, and closes gracefully on SIGINT/SIGTERM. */
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createFabricLedger } from './ledger/fabric-ledger';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const ledger = createFabricLedger(config.fabric);
  const app = await buildApp({ ledger, logger: { level: config.logLevel } });
  let closing = false;
  const close = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing: draining in-flight requests');
    await app.close();
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
