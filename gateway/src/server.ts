/**
 * Builds the gateway from configuration and listens. With DATABASE_URL it runs the whole
 * API: accounts and sessions, the operations queue and its worker, the indexer, the
 * anchoring worker. SIGINT/SIGTERM: stop taking requests, drain, close in order.
 */
import { Pool } from 'pg';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { startIndexer, type Indexer } from './projection/listener';
import { migrate } from './database/migrations';
import { createIndexStore } from './projection/store';
import { countEndpointEvents, gaugeFrom, indexLagSeconds } from './metrics';
import { createFabricLedger, createFabricLedgerFactory } from './ports/fabric-ledger';
import { startAnchorWorker, type AnchorWorker } from './anchoring/sweep';
import { startSealPipeline, type SealPipeline } from './anchoring/pipeline';
import { startSignatureWorkers } from './signature-workers';
import { startGatewayServices, type GatewayServices } from './services';
import { loadEvidenceConfig, startEvidence } from './evidence/setup';
import { startDualWorker, type DualWorker } from './dual/worker';
import { createDualCommercialStore } from './dual/store';
import { filedJurisdictions } from './dual/jurisdictions';
import { sidesWithDualWork } from './dual/events';
import { FILING_AGENTS } from './routes/declarations';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const evidenceConfig = loadEvidenceConfig(process.env);
  // One gRPC channel per peer and orderer: the gateway's own ledger, the officers', events.
  const factory = createFabricLedgerFactory(config.fabric);
  const ledger = factory.as(config.fabric);
  const logger = { level: config.logLevel };
  const database = config.databaseUrl
    ? new Pool({ connectionString: config.databaseUrl, max: 20 })
    : undefined;
  let services: GatewayServices | undefined;
  // Background work logs through the app's logger once it exists.
  let log: { info(o: object, m: string): void; error(o: object, m: string): void } = {
    info: (fields, message) => console.log(message, fields),
    error: (fields, message) => console.error(message, fields),
  };
  // An idle connection broken under the pool (PostgreSQL restarted) is an 'error' of the
  // pool: without a listener it would end the process. The pool opens new ones on demand.
  database?.on('error', (err) => log.error({ err }, 'database: idle connection lost'));
  const signatures =
    config.signatureThreads === 0
      ? undefined
      : startSignatureWorkers(
          config.signatureThreads === undefined ? {} : { threads: config.signatureThreads },
        );
  let indexer: Indexer | undefined;
  if (database) {
    const { redisUrl, identityKek } = config;
    // loadConfig asks for both with DATABASE_URL; checked again where they are used.
    if (!redisUrl || !identityKek)
      throw new ConfigError(['DATABASE_URL needs REDIS_URL and IDENTITY_KEK too']);
    await migrate(database);
    services = await startGatewayServices({
      pool: database,
      redisUrl,
      queuePrefix: config.queuePrefix,
      kek: identityKek,
      ledgerAs: (identity) => factory.as(identity),
      onError: (err) => log.error({ err }, 'background work failed'),
      log: (fields, message) => log.info(fields, message),
    });
  }
  // Readings are anchored by the seal operator: through the queue with Redis, else by the sweep.
  const operator = config.sealOperator && createFabricLedger(config.sealOperator);
  // The seal operator's ledger has a client of its own: its failures count in /metrics too.
  const stopCountingOperator = operator ? countEndpointEvents(operator) : undefined;
  const pipeline: SealPipeline | undefined =
    database && operator && config.redisUrl
      ? startSealPipeline({
          pool: database,
          redisUrl: config.redisUrl,
          prefix: config.queuePrefix,
          ledger: operator,
          onError: (err) => log.error({ err }, 'seal pipeline: background work failed'),
        })
      : undefined;
  const evidence =
    evidenceConfig &&
    startEvidence(evidenceConfig, {
      network: factory.client.connect(config.fabric).getNetwork(config.fabric.channel),
      channel: config.fabric.channel,
      chaincode: config.fabric.chaincode,
      mspId: config.fabric.mspId,
    });
  const app = await buildApp({
    ledger,
    ...(evidence ? { evidence } : {}),
    ...(pipeline ? { readingsSink: pipeline } : {}),
    ...(services ? { sessions: services.sessions } : {}),
    ...(services
      ? {
          accounts: services.accounts,
          ledgers: services.ledgers,
          operations: services.operations,
          notifications: services.notifications,
          readiness: { redis: () => services!.operations.queue.ping() },
        }
      : {}),
    ...(database ? { database } : {}),
    ...(config.tagKeys ? { tagKeys: config.tagKeys } : {}),
    ...(config.portalDir ? { portalDir: config.portalDir } : {}),
    ...(signatures
      ? { verifySignature: signatures.verify, checkReadingSignatures: signatures.checkReadings }
      : {}),
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    ...(config.organisation ? { organisation: config.organisation } : {}),
    rateLimit: { max: config.rateLimitPerMinute, timeWindow: '1 minute' },
    logger,
  });
  log = app.log;
  // This side's halves of dual filings the other side received (dual/worker.ts).
  let dualWorker: DualWorker | undefined;
  const filedHere = filedJurisdictions(config.organisation);
  if (database && services) {
    const ledgers = services.ledgers;
    dualWorker = startDualWorker({
      agents: Object.fromEntries(filedHere.map((j) => [j, () => ledgers(FILING_AGENTS[j])])),
      commercial: createDualCommercialStore(database),
      onError: (err) => app.log.warn({ err }, 'dual filings: a half was not filed yet'),
    });
  }
  if (database && config.indexer) {
    const channel = config.fabric.channel;
    const index = createIndexStore(database);
    indexer = startIndexer({
      network: factory.client.connect(config.fabric).getNetwork(config.fabric.channel),
      channel: config.fabric.channel,
      chaincode: config.fabric.chaincode,
      store: index,
      onError: (err) => app.log.warn({ err }, 'indexer: reconnecting'),
      onApplied: (event) => {
        if (sidesWithDualWork(event.eventName, event.payload).some((j) => filedHere.includes(j)))
          dualWorker?.poke();
        const payload = event.payload;
        const at =
          typeof payload === 'object' && payload !== null && 'at' in payload
            ? payload.at
            : undefined;
        if (typeof at === 'string') indexLagSeconds.observe((Date.now() - Date.parse(at)) / 1000);
      },
    });
    gaugeFrom('gateway_index_lag_blocks', 'Blocks on the ledger not yet in the index', async () => {
      const [height, checkpoint] = await Promise.all([
        ledger.channelHeight(),
        index.checkpoint(channel),
      ]);
      return Number(height - 1n - (checkpoint.getBlockNumber() ?? 0n));
    });
  }
  let anchorWorker: AnchorWorker | undefined;
  if (database && operator && !pipeline) {
    anchorWorker = startAnchorWorker({
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
    await signatures?.close();
    await dualWorker?.stop();
    await services?.close();
    await indexer?.stop();
    await anchorWorker?.stop();
    await pipeline?.close();
    stopCountingOperator?.();
    await operator?.close();
    await ledger.close();
    factory.close();
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
