/**
 * The gateway as the real process (gateway/dist/server.js) for the tests that kill things:
 * its own database (with the GD filing agent's account), Redis key prefix and port, the
 * indexer on; started, killed with a signal, started again on the same configuration. And
 * the signed filings those tests send it.
 */
import { canonicalBytes } from '@clearance/core';
import { sampleFiling, type TestPki } from '@clearance/testkit/chaincode';
import { createAccountStore, loadConfig } from '@clearance/gateway';
import { TEST_METRICS_TOKEN, freePort, until } from '@clearance/testkit/gateway';
import { REPO_ROOT, type Devnet } from '@clearance/devnet';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';

const SERVER = path.join(REPO_ROOT, 'gateway', 'dist', 'server.js');

export interface GatewayProcess {
  /** http://127.0.0.1:<port> */
  base: string;
  /** Starts the process; resolves once /readyz answers 200. */
  start(): Promise<void>;
  /** Sends `signal` (if it runs) and resolves once it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** What it wrote to stdout and stderr since the first start. */
  output(): string;
}

export async function gatewayProcess(options: {
  devnet: Devnet;
  /** The gateway's database, migrated: the agent's account is stored in it. */
  pool: Pool;
  redisUrl: string;
  queuePrefix: string;
  /** The connection the gateway acts on (default: the devnet's for GD customs). */
  fabricConnection?: string;
  /** More environment (SEAL_OPERATOR_CONNECTION, ...). */
  env?: NodeJS.ProcessEnv;
}): Promise<GatewayProcess> {
  if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run tsc --build first`);
  const { devnet, pool } = options;
  const kek = randomBytes(32);
  const agent = loadConfig({ FABRIC_CONNECTION: devnet.connectionFile('gdcustoms/agent') });
  await createAccountStore(pool, kek).upsert({
    organisation: 'gdcustoms',
    username: 'agent',
    mspId: agent.fabric.mspId,
    role: 'filing-agent',
    certificate: agent.fabric.certificate,
    privateKey: agent.fabric.privateKey,
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FABRIC_CONNECTION: options.fabricConnection ?? devnet.connectionFile('gdcustoms'),
    DATABASE_URL: (pool.options as { connectionString: string }).connectionString,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.queuePrefix,
    IDENTITY_KEK: kek.toString('hex'),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    INDEXER: 'on',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...options.env,
  };
  let child: ChildProcess | undefined;
  let output = '';
  return {
    base,
    async start() {
      const started = spawn(process.execPath, [SERVER], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      started.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      started.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      await until('the gateway to be ready', 60_000, async () => {
        if (started.exitCode !== null) throw new Error(`the gateway exited:\n${output}`);
        const res = await fetch(`${base}/readyz`).catch(() => undefined);
        return res?.ok ? true : undefined;
      });
    },
    async kill(signal) {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
    output: () => output,
  };
}

/** A GD filing as a client sends it (body, Idempotency-Key) and what came back. */
export interface SentFiling {
  id: string;
  key: string;
  body: string;
  /** The HTTP status, or undefined when no answer came (the connection died first). */
  status?: number;
  operationId?: string;
}

/** `count` filings `<prefix>-<i>`, signed by the GD test trader, each with a fresh key. */
export async function signedFilings(
  pki: TestPki,
  prefix: string,
  count: number,
): Promise<SentFiling[]> {
  const sent: SentFiling[] = [];
  for (let i = 0; i < count; i++) {
    const filing = sampleFiling(`${prefix}-${i}`);
    const cms = await pki.signers.gdTrader.sign(canonicalBytes(filing));
    const body = JSON.stringify({ ...filing, signature: Buffer.from(cms).toString('base64') });
    sent.push({ id: filing.declaration.declarationId, key: randomUUID(), body });
  }
  return sent;
}
