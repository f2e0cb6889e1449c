/**
 * What the bench runs against, started here and stopped again: the devnet (only if it is
 * not up), PostgreSQL and Redis (only if not up), a fresh database and Redis key prefix of
 * its own (so a gateway already running is not disturbed), and the gateway as a child
 * process (`node gateway/dist/server.js`), with the filing agent's account and a trader
 * whose certificate authority is on the trust list.
 */
import { createTestPki, listAuthority, type TestPki } from '@clearance/testkit/chaincode';
import { TrustProposalRecordSchema } from '@clearance/domain';
import {
  createAccountStore,
  createFabricLedger,
  loadConfig,
  migrate,
  type FabricConnection,
} from '@clearance/gateway';
import { freePort, signInTrader, until } from '@clearance/testkit/gateway';
import { Devnet, OFFICERS, REPO_ROOT } from '@clearance/devnet';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool } from 'pg';

export interface Stack {
  devnet: Devnet;
  /** The gateway's base URL. */
  base: string;
  /** The gateway's own database (index, operations). */
  pool: Pool;
  pki: TestPki;
  /** A signed-in GD trader's bearer token. */
  traderToken: string;
  /** The header that reads the gateway's /metrics (its METRICS_TOKEN). */
  metricsHeaders: { authorization: string };
  connection(who: string): FabricConnection;
  /** The gateway process: its pid, kill -9 (resolves once it is gone), start again. */
  gateway: {
    pid(): number | undefined;
    kill9(): Promise<void>;
    start(): Promise<void>;
    /** Stops it (SIGTERM) and starts it again with another FABRIC_CONNECTION file. */
    restartWith(fabricConnection: string): Promise<void>;
  };
  stop(): Promise<void>;
}

export interface StackOptions {
  /** The gateway anchors seal readings (as the Logistics operator). */
  seals?: boolean;
  /** Orderers of a devnet made by this run (one already made keeps its own). */
  orderers?: 1 | 3;
}

export async function startStack(
  log: (line: string) => void,
  options: StackOptions = {},
): Promise<Stack> {
  const devnet = new Devnet({
    log: () => undefined,
    ...(options.orderers ? { orderers: options.orderers } : {}),
  });
  const started: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (started.length > 0) await devnet.stop(started);
  };
  try {
    log('devnet: up');
    const report = await devnet.up();
    started.push(...report.started);
    if (report.started.length) log(`  started ${report.started.join(', ')}`);
    const services = await devnet.services();
    started.push(...services.started);

    // A database of our own on the (possibly shared) server, dropped at the end.
    const name = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new Pool({ connectionString: services.databaseUrl, max: 1 });
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(services.databaseUrl);
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    const pool = new Pool({ connectionString: databaseUrl, max: 4 });
    cleanups.push(async () => {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    await migrate(pool);

    const connection = (who: string) =>
      loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(who) }).fabric;
    const kek = randomBytes(32);
    const accounts = createAccountStore(pool, kek);
    for (const officer of OFFICERS.filter((o) => o.name === 'agent')) {
      const c = connection(`${officer.org}/${officer.name}`);
      await accounts.upsert({
        organisation: officer.org,
        username: officer.name,
        mspId: c.mspId,
        role: officer.role,
        certificate: c.certificate,
        privateKey: c.privateKey,
      });
    }

    const pki = await createTestPki({ idSuffix: randomUUID().slice(0, 6).toUpperCase() });
    const trustAdmin = createFabricLedger(connection('gdcustoms/trust-admin'));
    const hkTrustAdmin = createFabricLedger(connection('hkcustoms/trust-admin'));
    const trusted = await listAuthority(trustAdmin, hkTrustAdmin, pki.gd);
    await trustAdmin.close();
    await hkTrustAdmin.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const logFile = path.join(REPO_ROOT, 'load', 'results', 'gateway.log');
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'w');
    const metricsToken = randomBytes(24).toString('base64url');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FABRIC_CONNECTION: devnet.connectionFile('gdcustoms'),
      ...(options.seals
        ? { SEAL_OPERATOR_CONNECTION: devnet.connectionFile('logistics/operator1') }
        : {}),
      DATABASE_URL: databaseUrl,
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
      IDENTITY_KEK: kek.toString('hex'),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '10000000',
      METRICS_TOKEN: metricsToken,
      INDEXER: 'on',
    };
    let child: ChildProcess | undefined;
    let exited: Promise<void> = Promise.resolve();
    const startGateway = async (): Promise<void> => {
      const gateway = spawn(
        process.execPath,
        // BENCH_GATEWAY_NODE_ARGS: flags for the gateway's node, e.g. --cpu-prof for a profile.
        [
          ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
          path.join(REPO_ROOT, 'gateway', 'dist', 'server.js'),
        ],
        {
          env,
          stdio: ['ignore', out, out],
          // A session of its own, as a service would run: with the kernel's autogroup
          // scheduling, a child in the bench's session would share one CPU share with the
          // load generator, against the peers and orderer that each have theirs.
          detached: true,
        },
      );
      child = gateway;
      exited = new Promise<void>((resolve) => gateway.once('exit', () => resolve()));
      log(`gateway: pid ${gateway.pid} on ${base} (log: load/results/gateway.log)`);
      await until('the gateway to be ready', 60_000, async () => {
        if (gateway.exitCode !== null) throw new Error('the gateway exited; see its log');
        const res = await fetch(`${base}/readyz`).catch(() => undefined);
        return res?.ok ? true : undefined;
      });
    };
    const running = () => child !== undefined && child.exitCode === null && !child.signalCode;
    const terminate = async () => {
      if (!running()) return;
      child?.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    };
    const gatewayControl = {
      pid: () => (running() ? child?.pid : undefined),
      async kill9() {
        if (!running()) return;
        child?.kill('SIGKILL');
        await exited;
      },
      start: startGateway,
      async restartWith(fabricConnection: string) {
        await terminate();
        env.FABRIC_CONNECTION = fabricConnection;
        await startGateway();
      },
    };
    cleanups.push(async () => {
      await terminate();
      fs.closeSync(out);
    });
    await startGateway();

    // The fresh index replays the channel from block 0: wait until it has caught up with
    // the trust list change made just before.
    log('index: replaying the channel');
    await until('the index to catch up with the channel', 600_000, async () => {
      const { rowCount } = await pool.query('SELECT 1 FROM ledger_events WHERE tx_id = $1', [
        TrustProposalRecordSchema.parse(JSON.parse(trusted)).decidedBy?.txId,
      ]);
      return rowCount ? true : undefined;
    });

    const traderToken = await signInTrader(base, pki.signers.gdTrader);
    return {
      devnet,
      base,
      pool,
      pki,
      traderToken,
      metricsHeaders: { authorization: `Bearer ${metricsToken}` },
      connection,
      gateway: gatewayControl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
