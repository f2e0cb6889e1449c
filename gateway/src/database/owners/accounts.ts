/** Officer accounts: their Fabric identities and passwords. */
import type { MigrationPart } from '../migration-part';

export const ACCOUNTS: readonly MigrationPart[] = [
  {
    version: 4,
    up: `
      CREATE TABLE accounts (
        account_id     text PRIMARY KEY,
        organisation   text NOT NULL,
        username       text NOT NULL,
        msp_id         text NOT NULL,
        role           text NOT NULL,
        certificate    text NOT NULL,
        key_ciphertext bytea NOT NULL,
        password_hash  text,
        created_at     timestamptz NOT NULL DEFAULT now()
      );`,
    down: `DROP TABLE accounts;`,
  },
  {
    version: 8,
    // A lane device's control point (its certificate's controlPoint attribute).
    up: `ALTER TABLE accounts ADD COLUMN control_point text;`,
    down: `ALTER TABLE accounts DROP COLUMN control_point;`,
  },
];
