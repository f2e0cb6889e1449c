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
import { AnchorRecordSchema } from '@clearance/domain';
import { compareIndex, migrate } from '@clearance/gateway';
import { TEST_METRICS_HEADERS, signInTrader, until } from '@clearance/testkit/gateway';
import { anchoredOnce } from '@clearance/load/fault-figures';
import { postReadings } from '@clearance/load/fault-fleet';
import { Devnet, kill9Tree } from '@clearance/devnet';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { ROUTES } from '@clearance/domain/node';
import { simulateTrip } from '../../seal-devices/src/fleet/simulator';
import { fileGd, officerLedgers, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import {
  gatewayProcess,
  signedFilings,
  type GatewayProcess,
  type SentFiling,
} from '../support/gateway-process';

const FILINGS = 16;

/**
 * The process to kill: a devnet process (restarted by `up`) or a service. `atOrderer`: kill
 * once transactions are on their way to the orderer (envelopes stored, commits not known).
 */
const FAULTS: { kind: string; process: string; service?: boolean; atOrderer?: boolean }[] = [
  { kind: 'a peer whose organisation the act does not need', process: 'peer-logistics' },
  { kind: 'a peer whose organisation the act needs', process: 'peer-hkcustoms' },
  {
    kind: 'the only orderer the gateway knows (the Raft leader on a devnet of one)',
    process: 'orderer1',
    atOrderer: true,
  },
  { kind: 'the chaincode server', process: 'chaincode' },
  { kind: 'PostgreSQL', process: 'postgres', service: true },
  { kind: 'Redis', process: 'redis', service: true },
];

/**
 * The devnet's GD customs connection with its first orderer only: killing that orderer
 * leaves the gateway none to send to, so a transaction it acknowledged and lost must be
 * sent again when it returns (on a devnet of three the others elect a leader meanwhile).
 */
function firstOrdererOnly(devnet: Devnet, folder: string): string {
  const connection = JSON.parse(fs.readFileSync(devnet.connectionFile('gdcustoms'), 'utf8')) as {
    orderers: unknown[];
  };
  const file = path.join(folder, 'gdcustoms-one-orderer.json');
  fs.writeFileSync(
    file,
    JSON.stringify({ ...connection, orderers: connection.orderers.slice(0, 1) }),
  );
  return file;
}

describe('kill -9 of a process of the system while filings are in flight', () => {
  const devnet = new Devnet({ log: () => undefined });
  const ledgers = officerLedgers(devnet);
  const run = randomUUID().slice(0, 8).toUpperCase();
  const dbName = `test_faults_${run.toLowerCase()}`;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
  let admin: Pool;
  let pool: Pool;
  let gateway: GatewayProcess;
  let base: string;
  let authorization: string;
  let pki: Awaited<ReturnType<typeof trustedPki>>;
  /** PostgreSQL and Redis if this file started them: stopped again at the end. */
  let servicesStarted: string[] = [];

  beforeAll(async () => {
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
    gateway = await gatewayProcess({
      devnet,
      pool,
      redisUrl,
      queuePrefix: `faults-${run.toLowerCase()}`,
      fabricConnection: firstOrdererOnly(devnet, folder),
      // Readings are anchored by the seal operator.
      env: { SEAL_OPERATOR_CONNECTION: devnet.connectionFile('logistics/operator1') },
    });
    base = gateway.base;
    await gateway.start();
    pki = await trustedPki(ledgers.as, run);
    authorization = `Bearer ${await signInTrader(base, pki.signers.gdTrader)}`;
  }, 300_000);

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await ledgers.closeAll();
    await pool?.end();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin?.end();
    await devnet.stop(servicesStarted);
    fs.rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  const post = async (s: SentFiling) => {
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

  /**
   * Envelopes the gateway sent again while waiting for their commit because an orderer went
   * down since it took them (its /metrics; not those resent after the bounded wait).
   */
  const resendsAfterOrdererLoss = async (): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`, { headers: TEST_METRICS_HEADERS })).text();
    return text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('gateway_fabric_retries_total{') &&
          l.includes('call="resend"') &&
          l.includes('reason="orderer-down"'),
      )
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };

  async function kill9(name: string): Promise<void> {
    const pid = devnet.pidOf(name);
    if (pid === undefined) throw new Error(`${name} is not running`);
    await kill9Tree(pid);
  }

  it.each(FAULTS)(
    'ends every accepted filing committed exactly once when $kind is killed ($process)',
    async (fault) => {
      // A lone orderer killed just after it cut a block held nothing to send again (with a
      // 100 ms block timeout, a window of the kill's own length): the round is then repeated,
      // with new filings, until the orderer held something when it died (three at most).
      for (let round = 1; ; round++) {
        const prefix = `GD-${run}-${fault.process.replace(/[^a-z]/g, '').toUpperCase()}${round > 1 ? `R${round}` : ''}`;
        const sent = await signedFilings(pki, prefix, FILINGS);
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
        const resentBefore = fault.atOrderer ? await resendsAfterOrdererLoss() : 0;
        if (fault.atOrderer)
          // Envelopes stored and no outcome yet: sent, or about to be, and not committed.
          await until(
            'transactions on their way to the orderer',
            60_000,
            async () => {
              const { rowCount } = await pool.query(
                `SELECT 1 FROM operations WHERE declaration_id LIKE $1 AND state = 'pending'
                 AND envelope IS NOT NULL`,
                [`${prefix}-%`],
              );
              return (rowCount ?? 0) >= 2 ? true : undefined;
            },
            20,
          );
        await kill9(fault.process);
        await Promise.all(inFlight);
        if (fault.atOrderer)
          // Restarted once the gateway has seen it down: a restart quicker than the gateway's
          // connectivity check would leave its waiters no sign of the loss.
          await until('the gateway to see the orderer down', 60_000, async () => {
            const ready = (await (await fetch(`${base}/readyz`)).json()) as {
              ledger?: { down?: { endpoint: string; role: string }[] };
            };
            return ready.ledger?.down?.some((d) => d.role === 'orderer') ? true : undefined;
          });
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
          const op = await until(`operation of ${s.id}`, 180_000, async () => {
            const { rows } = await pool.query<{
              state: string;
              transaction_id: string;
              block_number: string;
            }>(
              'SELECT state, transaction_id, block_number FROM operations WHERE operation_id = $1',
              [s.operationId],
            );
            return rows[0]?.state === 'pending' ? undefined : rows[0];
          });
          expect({ id: s.id, state: op.state }).toEqual({ id: s.id, state: 'succeeded' });
          expect({ id: s.id, files: await files(s.id) }).toEqual({ id: s.id, files: 1 });
          // The outcome recorded is the transaction's first (valid) commit, not a later copy's.
          expect(await ledgers.as('gdcustoms/officer1').status(op.transaction_id)).toEqual({
            state: 'committed',
            blockNumber: BigInt(op.block_number),
          });
        }
        // Transactions the orderer had taken when it died were sent again once it was back.
        // (With three, the one killed may have passed them to the Raft leader already: they
        // commit without being sent again.)
        const resent =
          !fault.atOrderer ||
          devnet.orderers().length > 1 ||
          (await resendsAfterOrdererLoss()) > resentBefore;
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
        if (resent) break;
        if (round === 3)
          throw new Error('the orderer held no transaction when killed, three times');
      }
    },
    420_000,
  );

  it('anchors exactly once every reading acknowledged before PostgreSQL is killed', async () => {
    const deviceId = `EL-${run}-PG`;
    const sealId = `SEAL-${run}-PG`;
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await fileGd(ledgers.as, pki, `GD-${run}-SEALPG`);
    await sealedDevice(ledgers.as, {
      deviceId,
      sealId,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      routeId: 'KWC-FUTIAN',
      declarationIds: [`GD-${run}-SEALPG`],
    });
    const trip = simulateTrip({
      deviceId,
      privateKey: keys.privateKey,
      route: ROUTES[1]!,
      departure: new Date(),
      intervalS: 5,
    });
    const batches: (typeof trip)[] = [];
    for (let i = 0; i < Math.min(trip.length, 400); i += 20) batches.push(trip.slice(i, i + 20));
    // One device's batches in counter order (as it sends them), 202 meaning stored; the
    // process dies once half of them were acknowledged, anchoring still under way.
    const acknowledged: number[] = [];
    const unanswered: (typeof trip)[] = [];
    let killed: Promise<void> | undefined;
    for (const batch of batches) {
      const res = await postReadings(base, batch).catch(() => undefined);
      if (res?.status === 202) {
        expect(res.accepted).toBe(batch.length);
        acknowledged.push(...batch.map((r) => r.reading.counter));
      } else unanswered.push(batch);
      if (!killed && acknowledged.length >= (batches.length * 20) / 2) killed = kill9('postgres');
    }
    await killed;
    expect(acknowledged.length).toBeGreaterThan(0);
    await devnet.services();
    // What got no answer is sent again (a REPLAY verdict: it had been stored before).
    for (const batch of unanswered)
      await until('the readings accepted', 60_000, () =>
        postReadings(base, batch).then(
          (r) => (r.status === 202 ? true : undefined),
          () => undefined,
        ),
      );

    // Every stored reading anchored, each in one batch, the batches those on the ledger.
    await until('every reading anchored', 180_000, async () => {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM readings WHERE seal_id = $1 AND batch_id IS NULL',
        [sealId],
      );
      return rows[0]?.n === 0 ? true : undefined;
    });
    const { rows: stored } = await pool.query<{ counter: string; batch_id: string }>(
      'SELECT counter, batch_id FROM readings WHERE seal_id = $1 ORDER BY counter',
      [sealId],
    );
    const anchors = await ledgers.as('gdcustoms/officer1').evaluate('Seal:GetAnchors', [sealId]);
    const onLedger = AnchorRecordSchema.array()
      .parse(JSON.parse(anchors))
      .map((a) => ({ batchId: a.batchId, fromCounter: a.fromCounter, toCounter: a.toCounter }));
    // Each acknowledged or stored reading in exactly one anchored range, its batch's.
    const batchOf = new Map(stored.map((r) => [Number(r.counter), r.batch_id]));
    const readings = [...new Set([...acknowledged, ...batchOf.keys()])].map((counter) => ({
      counter,
      batchId: batchOf.get(counter) ?? null,
    }));
    expect(anchoredOnce(readings, onLedger)).toEqual({
      once: readings.length,
      lost: 0,
      duplicates: 0,
    });
    const { rows: batchesInDb } = await pool.query<{
      batch_id: string;
      from_counter: string;
      to_counter: string;
    }>(
      'SELECT batch_id, from_counter, to_counter FROM anchor_batches WHERE seal_id = $1 ORDER BY from_counter',
      [sealId],
    );
    expect(
      batchesInDb.map((b) => ({
        batchId: b.batch_id,
        fromCounter: Number(b.from_counter),
        toCounter: Number(b.to_counter),
      })),
    ).toEqual([...onLedger].sort((a, b) => a.fromCounter - b.fromCounter));
  }, 420_000);
});
