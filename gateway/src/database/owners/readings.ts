/** Seal readings: e-lock readings, device and tag counters, anchored batches. */
import type { MigrationPart } from '../migration-part';

export const READINGS: readonly MigrationPart[] = [
  {
    version: 2,
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
    up: `
      CREATE TABLE tag_counters (tag_uid text PRIMARY KEY, last_counter integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());`,
    down: `DROP TABLE tag_counters;`,
  },
  {
    version: 5,
    up: `
      CREATE INDEX readings_seal ON readings (seal_id, counter);`,
    down: `DROP INDEX readings_seal;`,
  },
];
