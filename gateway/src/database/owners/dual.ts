/** Dual filings: one side's commercial values, kept until this gateway files that side's half. */
import type { MigrationPart } from '../migration-part';

export const DUAL: readonly MigrationPart[] = [
  {
    version: 11,
    up: `
      CREATE TABLE dual_commercial (
        submission_id text NOT NULL,
        version       integer NOT NULL,
        jurisdiction  text NOT NULL,
        commercial    text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (submission_id, version, jurisdiction)
      );`,
    down: `DROP TABLE dual_commercial;`,
  },
];
