/**
 * The gateway's database schema, as ordered migrations with their way back. Each owner
 * (projection, readings, accounts, sessions, operations) keeps its tables in its own file;
 * a version may touch several owners, and the versions and names never change (an
 * already-migrated database records only the version).
 */
import type { Pool } from 'pg';
import { inTransaction } from '../db';
import { ACCOUNTS } from './owners/accounts';
import { DUAL } from './owners/dual';
import { EVIDENCE_LINKS } from './owners/evidence-links';
import { OPERATIONS } from './owners/operations';
import { PROJECTION } from './owners/projection';
import { READINGS } from './owners/readings';
import { SESSIONS } from './owners/sessions';

import type { MigrationPart } from './migration-part';

export type { MigrationPart } from './migration-part';

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
}

const NAMES: Readonly<Record<number, string>> = {
  1: 'ledger events, declarations, checkpoint',
  2: 'e-lock readings, device counters, anchored batches',
  3: 'NFC tag read counters',
  4: 'accounts, sessions, operations; event order and declaration signers',
  5: 'seals from the seal events; readings by seal',
  6: 'poison events: ledger events the index could not project',
  7: 'crossings from the crossing events, by control point and time',
  8: "crossings by time; inspection holds applied to declarations; lane devices' control points",
  9: 'declaration owners by signer id; trader sessions signed in again',
  10: 'capability links to release evidence',
  11: "dual filings: the other side's commercial values until its half is filed",
};

/** Within a version, up runs in this order and down in the reverse. */
const OWNERS: readonly (readonly MigrationPart[])[] = [
  PROJECTION,
  READINGS,
  ACCOUNTS,
  SESSIONS,
  OPERATIONS,
  EVIDENCE_LINKS,
  DUAL,
];

export const MIGRATIONS: readonly Migration[] = Object.entries(NAMES).map(([v, name]) => {
  const version = Number(v);
  const parts = OWNERS.flatMap((owner) => owner.filter((p) => p.version === version));
  return {
    version,
    name,
    up: parts.map((p) => p.up).join('\n'),
    down: parts
      .map((p) => p.down)
      .reverse()
      .join('\n'),
  };
});

/** Brings the schema to `target` (default: the newest), up or down, one transaction a step. */
export async function migrate(pool: Pool, target = MIGRATIONS.length): Promise<number> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const { rows } = await pool.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM schema_migrations',
  );
  let current = rows[0]?.v ?? 0;
  while (current !== target) {
    const up = current < target;
    const step = MIGRATIONS.find((m) => m.version === (up ? current + 1 : current));
    if (!step) throw new Error(`no migration to go from ${current} towards ${target}`);
    await inTransaction(pool, async (client) => {
      await client.query(up ? step.up : step.down);
      await client.query(
        up
          ? 'INSERT INTO schema_migrations (version) VALUES ($1)'
          : 'DELETE FROM schema_migrations WHERE version = $1',
        [step.version],
      );
    });
    current = up ? current + 1 : current - 1;
  }
  return current;
}
