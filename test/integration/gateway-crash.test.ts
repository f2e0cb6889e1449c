/**
 * kill -9 of the gateway while filings are in flight, then a restart: every filing that got
 * a 2xx answer ends committed exactly once; one that got no answer is committed at most
 * once, and once retried with its Idempotency-Key, exactly once; the index equals the
 * ledger. The gateway runs as the real process (gateway/dist/server.js) on its own
 * database and Redis key prefix.
 */
import { migrate } from '@clearance/gateway';
import { signInTrader, until } from '@clearance/testkit/gateway';
import { Devnet } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { compareIndex } from '../../gateway/src/projection/commands';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { officerLedgers, trustedPki } from '../support/devnet-fixtures';
import {
  gatewayProcess,
  signedFilings,
  type GatewayProcess,
  type SentFiling,
} from '../support/gateway-process';

const FILINGS = 40;

describe('the gateway killed with SIGKILL while filings are in flight', () => {
  const devnet = new Devnet({ log: () => undefined });
  const ledgers = officerLedgers(devnet);
  const run = randomUUID().slice(0, 8).toUpperCase();
  let db: TestDatabase;
  let gateway: GatewayProcess;
  let base: string;

  beforeAll(async () => {
    await devnet.up();
    db = await createTestDatabase();
    await migrate(db.pool);
    const { redisUrl } = await devnet.services();
    gateway = await gatewayProcess({
      devnet,
      pool: db.pool,
      redisUrl,
      queuePrefix: `crash-${run.toLowerCase()}`,
    });
    base = gateway.base;
  }, 300_000);

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await ledgers.closeAll();
    await db?.drop();
  }, 60_000);

  it('ends every accepted filing committed exactly once, and the index equals the ledger', async () => {
    const pki = await trustedPki(ledgers.as, run);
    await gateway.start();
    const authorization = `Bearer ${await signInTrader(base, pki.signers.gdTrader)}`;
    const headers = (key: string) => ({
      'content-type': 'application/json',
      authorization,
      'idempotency-key': key,
    });

    const sent = await signedFilings(pki, `GD-${run}-K`, FILINGS);
    const post = async (s: SentFiling) => {
      const res = await fetch(`${base}/v1/declarations`, {
        method: 'POST',
        headers: headers(s.key),
        body: s.body,
      });
      return {
        status: res.status,
        body: (await res.json()) as { operation?: { operationId: string } },
      };
    };

    // Filings arrive every 25 ms; the gateway dies once some have been answered and the
    // worker has several endorsed and sent, their commits not yet known.
    let answered = 0;
    const inFlight = sent.map(async (s, i) => {
      await new Promise((r) => setTimeout(r, i * 25));
      try {
        const res = await post(s);
        s.status = res.status;
        if (res.body.operation) s.operationId = res.body.operation.operationId;
        answered++;
      } catch {
        // the connection died with the gateway: no answer
      }
    });
    const inFlightOnLedger = async () =>
      (
        await db.pool.query(
          `SELECT 1 FROM operations WHERE state = 'pending' AND envelope IS NOT NULL`,
        )
      ).rowCount ?? 0;
    await until('filings in flight to the ledger', 60_000, async () =>
      answered >= 10 && (await inFlightOnLedger()) >= 3 ? true : undefined,
    );
    await gateway.kill('SIGKILL');
    expect(await inFlightOnLedger()).toBeGreaterThan(0);
    await Promise.all(inFlight);
    const accepted = sent.filter((s) => s.status !== undefined && s.status < 300);
    const unanswered = sent.filter((s) => s.status === undefined);
    expect(accepted.length).toBeGreaterThanOrEqual(10);
    const refused = sent.filter((s) => s.status !== undefined && s.status >= 300);
    expect(refused.map((s) => `${s.id}: ${s.status}`)).toEqual([]);

    await gateway.start();
    const ledger = ledgers.as('gdcustoms/officer1');
    const files = async (id: string): Promise<number> => {
      try {
        const history = JSON.parse(await ledger.evaluate('Declaration:GetHistory', [id])) as {
          action: string;
        }[];
        return history.filter((h) => h.action === 'FILE').length;
      } catch {
        return 0; // NOT_FOUND: never filed
      }
    };
    // No answer: committed or not, but never twice.
    for (const s of unanswered) expect(await files(s.id)).toBeLessThanOrEqual(1);
    // A client retries what got no answer with the same key: the gateway finishes it once.
    for (const s of unanswered) {
      const res = await post(s);
      expect(res.status).toBeLessThan(300);
      s.operationId = res.body.operation?.operationId;
    }

    // Every operation ends succeeded (the sweep and BullMQ's stalled check resume them).
    for (const s of sent) {
      const operation = await until(`operation of ${s.id}`, 120_000, async () => {
        const res = await fetch(`${base}/v1/operations/${s.operationId}`, {
          headers: { authorization },
        });
        const body = (await res.json()) as { operation: { state: string; error?: unknown } };
        return body.operation.state === 'pending' ? undefined : body.operation;
      });
      expect({ id: s.id, ...operation }).toMatchObject({ id: s.id, state: 'succeeded' });
      expect(await files(s.id)).toBe(1);
    }
    const { rows } = await db.pool.query<{ declaration_id: string; n: number }>(
      `SELECT declaration_id, count(*)::int AS n FROM operations
       WHERE declaration_id LIKE $1 GROUP BY declaration_id`,
      [`GD-${run}-%`],
    );
    expect(rows).toHaveLength(FILINGS);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);

    // The index (fed by the restarted gateway from its checkpoint) has them all, as the ledger.
    await until('the index to have every filing', 60_000, async () => {
      const { rowCount } = await db.pool.query(
        'SELECT 1 FROM declarations WHERE declaration_id LIKE $1',
        [`GD-${run}-%`],
      );
      return rowCount === FILINGS ? true : undefined;
    });
    const { checked, differences } = await compareIndex(db.pool, ledger);
    expect(checked).toBeGreaterThanOrEqual(FILINGS);
    // Other tests may act on their own declarations meanwhile: judge this run's.
    expect(differences.filter((d) => d.declarationId.startsWith(`GD-${run}-`))).toEqual([]);
  }, 300_000);
});
