/**
 * The event projection's tables: ledger events, declarations, seals, the checkpoint, poison
 * events, crossings.
 */
import type { MigrationPart } from '../migration-part';

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
  {
    version: 7,
    // Crossings already in ledger_events are copied in, so no decision drops out of the
    // lists on upgrade; the projection keeps the table from then on.
    up: `
      CREATE TABLE crossings (
        crossing_id     text PRIMARY KEY,
        seal_id         text NOT NULL,
        conveyance      text,
        control_point   text NOT NULL,
        direction       text NOT NULL,
        decision        text NOT NULL,
        reasons         text[] NOT NULL,
        declaration_ids text[] NOT NULL,
        decided_at      timestamptz NOT NULL,
        inspection      text,
        outcome_reason  text,
        outcome_at      timestamptz,
        block_number    bigint NOT NULL,
        tx_id           text NOT NULL,
        outcome_tx_id   text
      );
      CREATE INDEX crossings_control_point ON crossings (control_point, decided_at, crossing_id);
      CREATE INDEX crossings_declarations ON crossings USING gin (declaration_ids);
      INSERT INTO crossings (crossing_id, seal_id, conveyance, control_point, direction, decision,
                             reasons, declaration_ids, decided_at, inspection, block_number, tx_id)
      SELECT payload->>'crossingId', payload->>'sealId', payload->>'conveyance',
             payload->>'controlPoint', payload->>'direction', payload->>'decision',
             ARRAY(SELECT jsonb_array_elements_text(payload->'reasons')),
             ARRAY(SELECT jsonb_array_elements_text(COALESCE(payload->'declarationIds', '[]'))),
             (payload->>'at')::timestamptz,
             CASE WHEN payload->>'decision' = 'INSPECT' THEN 'OPEN' END, block_number, tx_id
      FROM ledger_events WHERE event_name = 'CrossingDecided'
      ON CONFLICT (crossing_id) DO NOTHING;
      UPDATE crossings c SET inspection = e.payload->>'outcome', outcome_reason = e.payload->>'reason',
             outcome_at = (e.payload->>'at')::timestamptz, outcome_tx_id = e.tx_id
      FROM ledger_events e
      WHERE e.event_name = 'CrossingInspectionRecorded' AND e.payload->>'crossingId' = c.crossing_id;`,
    down: `DROP TABLE crossings;`,
  },
  {
    version: 8,
    // Before version 7 the projection ignored CrossingInspectionRecorded, so the holds an
    // inspection's HOLD put on declarations are applied here, as the projection now does:
    // only over a declaration row written before the hold (by block, then event order).
    up: `
      CREATE INDEX crossings_decided ON crossings (decided_at, crossing_id);
      WITH holds AS (
        SELECT DISTINCT ON (h.id) h.id, e.block_number, e.seq, e.tx_id, e.payload
        FROM ledger_events e, jsonb_array_elements_text(e.payload->'heldDeclarations') AS h(id)
        WHERE e.event_name = 'CrossingInspectionRecorded'
        ORDER BY h.id, e.block_number DESC, e.seq DESC)
      UPDATE declarations d SET on_hold = true, last_action = 'HOLD',
             last_actor_msp = COALESCE(holds.payload->'actor'->>'mspId', d.last_actor_msp),
             last_at = COALESCE((holds.payload->>'at')::timestamptz, d.last_at),
             block_number = holds.block_number, tx_id = holds.tx_id
      FROM holds
      WHERE holds.id = d.declaration_id
        AND (holds.block_number > d.block_number
             OR (holds.block_number = d.block_number
                 AND holds.seq > COALESCE((SELECT seq FROM ledger_events WHERE tx_id = d.tx_id), 0)));`,
    down: `DROP INDEX crossings_decided;`,
  },
  {
    version: 9,
    // Traders are owners by signer id (esign/signer-id.ts), no longer by subject and issuer
    // text; events from before signer ids carry none, so those rows keep a NULL (no trader
    // owns them; officers still see them).
    up: `
      ALTER TABLE declarations ADD COLUMN signer_id text;
      CREATE INDEX declarations_signer_id ON declarations (signer_id);`,
    down: `DROP INDEX declarations_signer_id; ALTER TABLE declarations DROP COLUMN signer_id;`,
  },
];
