/**
 * kill -9 of each kind of process under filings in flight, one after the other on one
 * devnet, each restarted by the launcher (`devnet up`, or the services for PostgreSQL and
 * Redis): a peer whose organisation a filing does not need, one whose organisation it
 * needs, the orderer (on the default devnet of one it is the Raft leader), the chaincode
 * server, PostgreSQL, Redis. Every filing that got a 2xx answer ends committed exactly once;
 * one that got none is sent again with its Idempotency-Key and then ends committed once;
 * the index equals the ledger. (The gateway's own crash: gateway-crash.test.ts. Timings:
 * `npm run faults`.)
 */
import { canonicalBytes } from '@clearance/core';
import { sampleFiling } from '@clearance/testkit/chaincode';
import { compareIndex, createAccountStore, loadConfig, migrate } from '@clearance/gateway';
import { freePort, signInTrader, until } from '@clearance/testkit/gateway';
import { Devnet, isAlive, REPO_ROOT } from '@clearance/network';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool } from 'pg';
import { officerLedgers, trustedPki } from '../support/devnet-fixtures';

const SERVER = path.join(REPO_ROOT, 'gateway', 'dist', 'server.js');
const FILINGS = 16;

interface Sent {
  id: string;
  key: string;
  body: string;
  status?: number;
  operationId?: string;
}

/** The process to kill: a devnet process (restarted by `up`) or a service. */
const FAULTS: { kind: string; process: string; service?: boolean }[] = [
  { kind: 'a peer whose organisation the act does not need', process: 'peer-logistics' },
  { kind: 'a peer whose organisation the act needs', process: 'peer-hkcustoms' },
  { kind: 'the orderer (Raft leader)', process: 'orderer1' },
  { kind: 'the chaincode server', process: 'chaincode' },
  { kind: 'PostgreSQL', process: 'postgres', service: true },
  { kind: 'Redis', process: 'redis', service: true },
];

describe('kill -9 of a process of the system while filings are in flight', () => {
  const devnet = new Devnet({ log: () => undefined });
  const ledgers = officerLedgers(devnet);
  const run = randomUUID().slice(0, 8).toUpperCase();
  const dbName = `test_faults_${run.toLowerCase()}`;
  let admin: Pool;
  let pool: Pool;
  let base: string;
  let gateway: ChildProcess | undefined;
  let output = '';
  let authorization: string;
  let pki: Awaited<ReturnType<typeof trustedPki>>;
  /** PostgreSQL and Redis if this file started them: stopped again at the end. */
  let servicesStarted: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run tsc --build first`);
    await devnet.up();
    const { databaseUrl, redisUrl, started } = await devnet.services();
    servicesStarted = started;
    // Pools of our own with error listeners: their idle connections die with PostgreSQL.
    admin = new Pool({ connectionString: databaseUrl, max: 1 });
    admin.on('error', () => undefined);
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${dbName}`;
    pool = new Pool({ connectionString: url.toString(), max: 4 });
    pool.on('error', () => undefined);
    await migrate(pool);
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
    base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [SERVER], {
      env: {
        ...process.env,
        FABRIC_CONNECTION: devnet.connectionFile('gdcustoms'),
        DATABASE_URL: url.toString(),
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: `faults-${run.toLowerCase()}`,
        IDENTITY_KEK: kek.toString('hex'),
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        INDEXER: 'on',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway = child;
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await until('the gateway to be ready', 60_000, async () => {
      if (child.exitCode !== null) throw new Error(`the gateway exited:\n${output}`);
      return (await fetch(`${base}/readyz`)).ok ? true : undefined;
    });
    pki = await trustedPki(ledgers.as, run);
    authorization = `Bearer ${await signInTrader(base, pki.signers.gdTrader)}`;
  }, 300_000);

  afterAll(async () => {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway?.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await ledgers.closeAll();
    await pool?.end();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin?.end();
    await devnet.stop(servicesStarted);
  }, 60_000);

  const post = async (s: Sent) => {
    const res = await fetch(`${base}/v1/declarations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization,
        'idempotency-key': s.key,
      },
      body: s.body,
      signal: AbortSignal.timeout(30_000),
    });
    return {
      status: res.status,
      body: (await res.json()) as { operation?: { operationId: string } },
    };
  };

  const files = async (id: string): Promise<number> => {
    try {
      const history = JSON.parse(
        await ledgers.as('gdcustoms/officer1').evaluate('Declaration:GetHistory', [id]),
      ) as { action: string }[];
      return history.filter((h) => h.action === 'FILE').length;
    } catch (error) {
      if ((error as { code?: string }).code === 'NOT_FOUND') return 0;
      throw error;
    }
  };

  async function kill9(name: string): Promise<void> {
    const pid = devnet.pidOf(name);
    if (pid === undefined) throw new Error(`${name} is not running`);
    process.kill(pid, 'SIGKILL');
    await until(`${name} to be gone`, 10_000, async () => (isAlive(pid) ? undefined : true));
  }

  it.each(FAULTS)(
    'ends every accepted filing committed exactly once when $kind is killed ($process)',
    async (fault) => {
      const prefix = `GD-${run}-${fault.process.replace(/[^a-z]/g, '').toUpperCase()}`;
      const sent: Sent[] = [];
      for (let i = 0; i < FILINGS; i++) {
        const filing = sampleFiling(`${prefix}-${i}`);
        const cms = await pki.signers.gdTrader.sign(canonicalBytes(filing));
        const body = JSON.stringify({ ...filing, signature: Buffer.from(cms).toString('base64') });
        sent.push({ id: filing.declaration.declarationId, key: randomUUID(), body });
      }
      // Filings every 50 ms; the process dies once a quarter of them were answered.
      let answered = 0;
      const inFlight = sent.map(async (s, i) => {
        await new Promise((r) => setTimeout(r, i * 50));
        try {
          const res = await post(s);
          s.status = res.status;
          s.operationId = res.body.operation?.operationId;
        } catch {
          // no answer (PostgreSQL gone mid-request): sent again below
        }
        answered++;
      });
      await until('filings answered', 60_000, async () =>
        answered >= FILINGS / 4 ? true : undefined,
      );
      await kill9(fault.process);
      await Promise.all(inFlight);
      if (fault.service) await devnet.services();
      else await devnet.up();

      const accepted = sent.filter((s) => s.status !== undefined && s.status < 300);
      // Refused or unanswered while the process was down: a client sends it again, same key.
      for (const s of sent.filter((x) => !accepted.includes(x))) {
        const res = await until(`an answer for ${s.id}`, 120_000, () =>
          post(s).then(
            (r) => (r.status < 300 ? r : undefined),
            () => undefined,
          ),
        );
        s.operationId = res.body.operation?.operationId;
      }
      for (const s of sent) {
        const state = await until(`operation of ${s.id}`, 180_000, async () => {
          const { rows } = await pool.query<{ state: string }>(
            'SELECT state FROM operations WHERE operation_id = $1',
            [s.operationId],
          );
          return rows[0]?.state === 'pending' ? undefined : rows[0]?.state;
        });
        expect({ id: s.id, state }).toEqual({ id: s.id, state: 'succeeded' });
        expect({ id: s.id, files: await files(s.id) }).toEqual({ id: s.id, files: 1 });
      }
      const { rows } = await pool.query<{ declaration_id: string; n: number }>(
        `SELECT declaration_id, count(*)::int AS n FROM operations
         WHERE declaration_id LIKE $1 GROUP BY declaration_id`,
        [`${prefix}-%`],
      );
      expect(rows).toHaveLength(FILINGS);
      expect(rows.filter((r) => r.n !== 1)).toEqual([]);

      // The index (resumed from its checkpoint where its source went away) equals the ledger.
      await until('the index to have every filing', 120_000, async () => {
        const { rowCount } = await pool.query(
          'SELECT 1 FROM declarations WHERE declaration_id LIKE $1',
          [`${prefix}-%`],
        );
        return rowCount === FILINGS ? true : undefined;
      });
      const { differences } = await compareIndex(pool, ledgers.as('gdcustoms/officer1'));
      expect(differences.filter((d) => d.declarationId.startsWith(`${prefix}-`))).toEqual([]);
    },
    420_000,
  );
});
