/** Schema of the index, as ordered migrations with their way back. */
import type { Pool } from 'pg';
import { inTransaction } from '../db';

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ledger events, declarations, checkpoint',
    up: `
      CREATE TABLE ledger_events (
        tx_id        text PRIMARY KEY,
        channel      text NOT NULL,
        block_number bigint NOT NULL,
        event_name   text NOT NULL,
        payload      jsonb NOT NULL,
        indexed_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ledger_events_block ON ledger_events (channel, block_number);
      CREATE TABLE declarations (
        declaration_id  text PRIMARY KEY,
        version         integer NOT NULL,
        state           text NOT NULL,
        on_hold         boolean NOT NULL,
        jurisdiction    text NOT NULL,
        consignment_ref text NOT NULL,
        last_action     text NOT NULL,
        last_actor_msp  text NOT NULL,
        last_at         timestamptz NOT NULL,
        block_number    bigint NOT NULL,
        tx_id           text NOT NULL
      );
      CREATE INDEX declarations_state ON declarations (state, jurisdiction);
      CREATE INDEX declarations_consignment ON declarations (consignment_ref);
      CREATE TABLE index_checkpoint (
        channel      text PRIMARY KEY,
        block_number bigint NOT NULL,
        tx_id        text NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now()
      );`,
    down: `DROP TABLE index_checkpoint; DROP TABLE declarations; DROP TABLE ledger_events;`,
  },
  {
    version: 2,
    name: 'e-lock readings, device counters, anchored batches',
    up: `
      CREATE TABLE device_counters (
        device_id    text PRIMARY KEY,
        last_counter bigint NOT NULL
      );
      CREATE TABLE readings (
        device_id    text NOT NULL,
        counter      bigint NOT NULL,
        seal_id      text NOT NULL,
        reading_time timestamptz NOT NULL,
        event        text NOT NULL,
        lat          double precision NOT NULL,
        lon          double precision NOT NULL,
        signed       jsonb NOT NULL,
        batch_id     text,
        received_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (device_id, counter)
      );
      CREATE INDEX readings_unanchored ON readings (seal_id, device_id, counter) WHERE batch_id IS NULL;
      CREATE TABLE anchor_batches (
        batch_id     text PRIMARY KEY,
        seal_id      text NOT NULL,
        from_counter bigint NOT NULL,
        to_counter   bigint NOT NULL,
        count        integer NOT NULL,
        merkle_root  text NOT NULL,
        tx_id        text NOT NULL,
        block_number bigint NOT NULL,
        anchored_at  timestamptz NOT NULL DEFAULT now()
      );`,
    down: `DROP TABLE anchor_batches; DROP TABLE readings; DROP TABLE device_counters;`,
  },
  {
    version: 3,
    name: 'NFC tag read counters',
    up: `CREATE TABLE tag_counters (tag_uid text PRIMARY KEY, last_counter integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());`,
    down: `DROP TABLE tag_counters;`,
  },
  {
    version: 4,
    name: 'accounts, sessions, operations; event order and declaration signers',
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
      );
      CREATE TABLE auth_challenges (
        challenge_id uuid PRIMARY KEY,
        challenge    bytea NOT NULL,
        expires_at   timestamptz NOT NULL
      );
      CREATE TABLE sessions (
        token_sha256 text PRIMARY KEY,
        principal    jsonb NOT NULL,
        expires_at   timestamptz NOT NULL
      );
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
      CREATE INDEX operations_pending ON operations (updated_at) WHERE state = 'pending';
      ALTER TABLE ledger_events ADD COLUMN seq bigserial;
      CREATE UNIQUE INDEX ledger_events_seq ON ledger_events (seq);
      ALTER TABLE declarations ADD COLUMN signer_subject text, ADD COLUMN signer_issuer text;
      CREATE INDEX declarations_signer ON declarations (signer_issuer, signer_subject);`,
    down: `
      DROP INDEX declarations_signer;
      ALTER TABLE declarations DROP COLUMN signer_subject, DROP COLUMN signer_issuer;
      DROP INDEX ledger_events_seq;
      ALTER TABLE ledger_events DROP COLUMN seq;
      DROP TABLE operations; DROP TABLE sessions; DROP TABLE auth_challenges; DROP TABLE accounts;`,
  },
  {
    version: 5,
    name: 'seals from the seal events; readings by seal',
    up: `
      CREATE TABLE seals (
        seal_id         text PRIMARY KEY,
        device_id       text NOT NULL,
        state           text NOT NULL,
        declaration_ids text[] NOT NULL DEFAULT '{}',
        route_id        text,
        conveyance      text,
        applied_at      timestamptz,
        alarms          text[] NOT NULL DEFAULT '{}',
        last_event      text NOT NULL,
        block_number    bigint NOT NULL,
        tx_id           text NOT NULL
      );
      CREATE INDEX seals_state ON seals (state, seal_id);
      CREATE INDEX readings_seal ON readings (seal_id, counter);`,
    down: `DROP INDEX readings_seal; DROP TABLE seals;`,
  },
  {
    version: 6,
    name: 'poison events: ledger events the index could not project',
    up: `
      CREATE TABLE poison_events (
        tx_id        text PRIMARY KEY,
        channel      text NOT NULL,
        block_number bigint NOT NULL,
        event_name   text NOT NULL,
        payload      text,
        error        text NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      );`,
    down: `DROP TABLE poison_events;`,
  },
];

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
