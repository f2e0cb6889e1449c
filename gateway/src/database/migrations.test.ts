import { MIGRATIONS } from './migrations';

const created = (sql: string) => [...sql.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]);
const dropped = (sql: string) => [...sql.matchAll(/DROP TABLE (\w+)/g)].map((m) => m[1]);

describe('the schema assembled from its owners', () => {
  it('keeps the versions and names an existing database has recorded', () => {
    expect(MIGRATIONS.map((m) => [m.version, m.name])).toEqual([
      [1, 'ledger events, declarations, checkpoint'],
      [2, 'e-lock readings, device counters, anchored batches'],
      [3, 'NFC tag read counters'],
      [4, 'accounts, sessions, operations; event order and declaration signers'],
      [5, 'seals from the seal events; readings by seal'],
      [6, 'poison events: ledger events the index could not project'],
      [7, 'crossings from the crossing events, by control point and time'],
      [
        8,
        "crossings by time; inspection holds applied to declarations; lane devices' control points",
      ],
      [9, 'declaration owners by signer id; trader sessions signed in again'],
      [10, 'capability links to release evidence'],
      [11, "dual filings: the other side's commercial values until its half is filed"],
    ]);
  });

  it('creates in each version the tables it always created', () => {
    expect(MIGRATIONS.map((m) => created(m.up).sort())).toEqual([
      ['declarations', 'index_checkpoint', 'ledger_events'],
      ['anchor_batches', 'device_counters', 'readings'],
      ['tag_counters'],
      ['accounts', 'auth_challenges', 'operations', 'sessions'],
      ['seals'],
      ['poison_events'],
      ['crossings'],
      [],
      [],
      ['evidence_links'],
      ['dual_commercial'],
    ]);
    const v4 = MIGRATIONS[3]?.up ?? '';
    expect(v4).toContain('ALTER TABLE ledger_events ADD COLUMN seq bigserial;');
    expect(v4).toContain('CREATE INDEX declarations_signer');
    expect(MIGRATIONS[4]?.up).toContain('CREATE INDEX readings_seal');
    expect(MIGRATIONS[6]?.up).toContain('CREATE INDEX crossings_control_point');
  });

  it('drops on the way back exactly what each version created', () => {
    for (const m of MIGRATIONS) expect(dropped(m.down).sort()).toEqual(created(m.up).sort());
    expect(MIGRATIONS[3]?.down).toContain('ALTER TABLE ledger_events DROP COLUMN seq;');
    expect(MIGRATIONS[4]?.down).toContain('DROP INDEX readings_seal;');
  });
});
