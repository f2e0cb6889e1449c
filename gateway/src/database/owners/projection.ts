/** The event projection's tables: ledger events, declarations, seals, the checkpoint, poison events. */
import type { MigrationPart } from '../migrations';

export const PROJECTION: readonly MigrationPart[] = [
  {
    version: 1,
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
    version: 4,
    up: `
      ALTER TABLE ledger_events ADD COLUMN seq bigserial;
      CREATE UNIQUE INDEX ledger_events_seq ON ledger_events (seq);
      ALTER TABLE declarations ADD COLUMN signer_subject text, ADD COLUMN signer_issuer text;
      CREATE INDEX declarations_signer ON declarations (signer_issuer, signer_subject);`,
    down: `DROP INDEX declarations_signer;
      ALTER TABLE declarations DROP COLUMN signer_subject, DROP COLUMN signer_issuer;
      DROP INDEX ledger_events_seq;
      ALTER TABLE ledger_events DROP COLUMN seq;`,
  },
  {
    version: 5,
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
      CREATE INDEX seals_state ON seals (state, seal_id);`,
    down: `DROP TABLE seals;`,
  },
  {
    version: 6,
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
