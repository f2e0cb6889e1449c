/** A throwaway database on the private PostgreSQL server (or on DATABASE_URL's server). */
import { Devnet } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

export interface TestDatabase {
  pool: Pool;
  /** Its postgres:// URL, for processes of their own (the index command line). */
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const devnet = new Devnet({ log: () => undefined });
  const services = await devnet.services();
  const admin = new Pool({ connectionString: services.databaseUrl, max: 1 });
  const name = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(services.databaseUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  return {
    pool,
    url: url.toString(),
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
      await devnet.stop(services.started);
    },
  };
}
