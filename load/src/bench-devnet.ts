/**
 * What a devnet bench run stands on: the devnet (brought up if it is not), a database of
 * the run's own on the private PostgreSQL, and one ledger connection per identity. close()
 * undoes it in reverse order: the run's own closers, the ledgers, the database, then the
 * servers this run started.
 */
import { createFabricLedger, loadConfig, type Ledger } from '@clearance/gateway';
import { Devnet } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

export interface BenchDevnet {
  /** Six characters naming this run's ids and database. */
  run: string;
  pool: Pool;
  redisUrl: string;
  /** The devnet's pid files (load/src/proc-cpu.ts counts their CPU). */
  pidsDir: string;
  /** The ledger as a devnet identity (`org/name`), connected once. */
  as(who: string): Ledger;
  /** Closed first by close(), last added first. */
  closers: (() => Promise<unknown>)[];
  close(): Promise<void>;
}

/** One ledger connection per devnet identity (`<org>/<name>`), made on first use. */
export function officerLedgers(devnet: Devnet): {
  as(who: string): Ledger;
  closeAll(): Promise<void>;
} {
  const ledgers = new Map<string, Ledger>();
  return {
    as(who) {
      let ledger = ledgers.get(who);
      if (!ledger) {
        ledger = createFabricLedger(
          loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(who) }).fabric,
        );
        ledgers.set(who, ledger);
      }
      return ledger;
    },
    async closeAll() {
      await Promise.all([...ledgers.values()].map((l) => l.close().catch(() => undefined)));
    },
  };
}

export async function openBenchDevnet(name: string, poolSize: number): Promise<BenchDevnet> {
  const devnet = new Devnet({ log: () => undefined });
  const report = await devnet.up();
  const services = await devnet.services();
  const run = randomUUID().slice(0, 6).toUpperCase();
  const admin = new Pool({ connectionString: services.databaseUrl, max: 1 });
  const dbName = `bench_${name}_${run.toLowerCase()}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(services.databaseUrl);
  url.pathname = `/${dbName}`;
  const pool = new Pool({ connectionString: url.toString(), max: poolSize });
  const ledgers = officerLedgers(devnet);
  const closers: (() => Promise<unknown>)[] = [];
  return {
    run,
    pool,
    redisUrl: services.redisUrl,
    pidsDir: devnet.paths.pids,
    closers,
    as: ledgers.as,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await ledgers.closeAll();
      await pool.end();
      await admin.query(`DROP DATABASE ${dbName}`).catch(() => undefined);
      await admin.end();
      await devnet.stop([...services.started, ...report.started]);
    },
  };
}
