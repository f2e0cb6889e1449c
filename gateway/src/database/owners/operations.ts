/** Long-running ledger operations with their idempotency keys. */
import type { MigrationPart } from '../migration-part';

export const OPERATIONS: readonly MigrationPart[] = [
  {
    version: 4,
    up: `
      CREATE TABLE operations (
        operation_id    uuid PRIMARY KEY,
        principal_id    text NOT NULL,
        idempotency_key text NOT NULL,
        request_sha256  text NOT NULL,
        kind            text NOT NULL,
        account_id      text NOT NULL,
        transaction     text NOT NULL,
        args            jsonb NOT NULL,
        transient       jsonb NOT NULL,
        declaration_id  text,
        state           text NOT NULL DEFAULT 'pending',
        attempts        integer NOT NULL DEFAULT 0,
        transaction_id  text,
        envelope        bytea,
        result          jsonb,
        error           jsonb,
        block_number    bigint,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (principal_id, idempotency_key)
      );
      CREATE INDEX operations_pending ON operations (updated_at) WHERE state = 'pending';`,
    down: `DROP TABLE operations;`,
  },
];
