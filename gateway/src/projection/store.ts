/**
 * The index of ledger events in PostgreSQL. Each event is applied in one database
 * transaction together with the checkpoint it advances to, and keyed by transaction id:
 * after a crash at any point the listener resumes from the checkpoint, and an event seen
 * twice inserts nothing twice.
 */
import type { Checkpoint } from '@clearance/fabric-client';
import { DatabaseError, type Pool, type PoolClient } from 'pg';
import {
  CrossingDecidedEventSchema,
  CrossingInspectionEventSchema,
  DeclarationEventSchema,
  EVENTS,
  SealAlarmEventSchema,
  SealEventSchema,
  isDeclarationEventName,
  isSealEventName,
  FarmRecalledEventSchema,
  type CrossingDecidedEvent,
  type CrossingInspectionEvent,
  type DeclarationEvent,
  type SealEvent,
} from '@clearance/domain';
import { z } from 'zod';
import { inTransaction } from '../db';

/** NOTIFY channel of new index rows (payload: the event name), sent at their commit. */
export const EVENTS_CHANNEL = 'ledger_events';

export interface IndexedEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: unknown;
  /** Set when the payload could not be read at all (not JSON): it is recorded as poison. */
  payloadError?: string;
}

/** An event the index could not project: kept with why, so nothing halts on it. */
export interface PoisonEvent {
  channel: string;
  blockNumber: string;
  transactionId: string;
  eventName: string;
  error: string;
  recordedAt: string;
}

/** An event that parses but names what the index does not hold (so retrying cannot help). */
export class UnprojectableEvent extends Error {
  override name = 'UnprojectableEvent';
}

/**
 * Whether applying an event failed because of the event itself (so retrying cannot help):
 * data PostgreSQL refuses (SQLSTATE class 22, e.g. 22P05 for U+0000 in jsonb; class 23,
 * integrity), or a payload of a shape the projection code trips on. Anything else (a lost
 * connection) is the database's and is retried by the listener.
 */
export function isPoisonFailure(error: unknown): boolean {
  if (error instanceof DatabaseError)
    return error.code?.startsWith('22') === true || error.code?.startsWith('23') === true;
  return (
    error instanceof z.ZodError ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof UnprojectableEvent
  );
}

/**
 * Projects one event by its name (the names in domain/events.ts), its payload parsed with
 * that event's schema: a payload that does not parse fails the event, which is set aside as
 * poison. Events the index keeps no table for are stored in ledger_events only.
 */
async function project(client: PoolClient, event: IndexedEvent): Promise<void> {
  if (isDeclarationEventName(event.eventName)) {
    await upsertDeclarations(client, [
      { event, declaration: DeclarationEventSchema.parse(event.payload) },
    ]);
  } else if (event.eventName === EVENTS.SealAlarmRaised) {
    const alarm = SealAlarmEventSchema.parse(event.payload);
    await holdDeclarations(client, event, alarm);
    await upsertSeal(client, event, alarm);
  } else if (isSealEventName(event.eventName)) {
    await upsertSeal(client, event, SealEventSchema.parse(event.payload));
  } else if (event.eventName === EVENTS.CrossingDecided) {
    await insertCrossing(client, event, CrossingDecidedEventSchema.parse(event.payload));
  } else if (event.eventName === EVENTS.CrossingInspectionRecorded) {
    const outcome = CrossingInspectionEventSchema.parse(event.payload);
    await holdDeclarations(client, event, outcome);
    await unholdDeclarations(client, event, outcome);
    await recordCrossingOutcome(client, event, outcome);
  } else if (event.eventName === EVENTS.FarmRecalled) {
    // A recall holds the declarations its consignments in transit were sealed under.
    await holdDeclarations(client, event, FarmRecalledEventSchema.parse(event.payload));
  }
}

/**
 * A seal alarm, or an inspection's HOLD, holds declarations without a declaration event of
 * their own (one event per transaction).
 */
async function holdDeclarations(
  client: PoolClient,
  event: IndexedEvent,
  alarm: {
    heldDeclarations: string[];
    actor?: { mspId: string } | undefined;
    at?: string | undefined;
  },
): Promise<void> {
  if (alarm.heldDeclarations.length === 0) return;
  await client.query(
    `UPDATE declarations SET on_hold = true, last_action = 'HOLD',
       last_actor_msp = COALESCE($2, last_actor_msp), last_at = COALESCE($3, last_at),
       block_number = $4, tx_id = $5
     WHERE declaration_id = ANY($1) AND block_number <= $4`,
    [
      alarm.heldDeclarations,
      alarm.actor?.mspId ?? null,
      alarm.at ?? null,
      event.blockNumber.toString(),
      event.transactionId,
    ],
  );
}

/** A CLEARED inspection unholds the declarations cleared alarms alone held (no events of their own). */
async function unholdDeclarations(
  client: PoolClient,
  event: IndexedEvent,
  outcome: CrossingInspectionEvent,
): Promise<void> {
  const ids = outcome.unheldDeclarations ?? [];
  if (ids.length === 0) return;
  await client.query(
    `UPDATE declarations SET on_hold = false, last_action = 'UNHOLD', last_actor_msp = $2,
       last_at = $3, block_number = $4, tx_id = $5
     WHERE declaration_id = ANY($1) AND block_number <= $4`,
    [ids, outcome.actor.mspId, outcome.at, event.blockNumber.toString(), event.transactionId],
  );
}

async function upsertSeal(client: PoolClient, event: IndexedEvent, s: SealEvent): Promise<void> {
  const applied = event.eventName === EVENTS.SealApplied;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  await client.query(
    `INSERT INTO seals (seal_id, device_id, state, declaration_ids, route_id, conveyance, applied_at,
                        alarms, last_event, block_number, tx_id)
     VALUES ($1, $2, $3, COALESCE($4::text[], '{}'), $5, $6, $7, $8::text[], $9, $10, $11)
     ON CONFLICT (seal_id) DO UPDATE SET
       state = EXCLUDED.state, declaration_ids = COALESCE($4::text[], seals.declaration_ids),
       route_id = COALESCE(EXCLUDED.route_id, seals.route_id),
       conveyance = COALESCE(EXCLUDED.conveyance, seals.conveyance),
       applied_at = COALESCE(EXCLUDED.applied_at, seals.applied_at),
       alarms = ARRAY(SELECT DISTINCT unnest(seals.alarms || EXCLUDED.alarms) ORDER BY 1),
       last_event = EXCLUDED.last_event, block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id
     WHERE seals.block_number <= EXCLUDED.block_number`,
    [
      s.sealId,
      s.deviceId,
      s.state,
      Array.isArray(s.declarationIds) ? s.declarationIds : null,
      applied ? text(s.routeId) : null,
      applied ? text(s.conveyance) : null,
      applied ? text(s.at) : null,
      event.eventName === EVENTS.SealAlarmRaised && typeof s.kind === 'string' ? [s.kind] : [],
      event.eventName,
      event.blockNumber.toString(),
      event.transactionId,
    ],
  );
}

async function insertCrossing(
  client: PoolClient,
  event: IndexedEvent,
  c: CrossingDecidedEvent,
): Promise<void> {
  await client.query(
    `INSERT INTO crossings (crossing_id, seal_id, conveyance, control_point, direction, decision,
                            reasons, declaration_ids, decided_at, inspection, block_number, tx_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (crossing_id) DO NOTHING`,
    [
      c.crossingId,
      c.sealId,
      c.conveyance ?? null,
      c.controlPoint,
      c.direction,
      c.decision,
      c.reasons,
      c.declarationIds,
      c.at,
      c.decision === 'INSPECT' ? 'OPEN' : null,
      event.blockNumber.toString(),
      event.transactionId,
    ],
  );
}

/**
 * The outcome comes in a later block than its decision, so the row is there; an outcome
 * without one is set aside as poison rather than lost.
 */
async function recordCrossingOutcome(
  client: PoolClient,
  event: IndexedEvent,
  o: CrossingInspectionEvent,
): Promise<void> {
  const updated = await client.query(
    `UPDATE crossings SET inspection = $2, outcome_reason = $3, outcome_at = $4, outcome_tx_id = $5
     WHERE crossing_id = $1`,
    [o.crossingId, o.outcome, o.reason, o.at, event.transactionId],
  );
  if (updated.rowCount === 0)
    throw new UnprojectableEvent(
      `crossing ${o.crossingId} is not indexed: no decision to record the outcome on`,
    );
}

/** Why an event could not be projected, with PostgreSQL's SQLSTATE when it was the database. */
function describeFailure(error: unknown): string {
  if (error instanceof DatabaseError) return `${error.code ?? 'unknown'}: ${error.message}`;
  return String(error);
}

/** How many events the index recorded as poison (readiness and metrics). */
export async function countPoisonEvents(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM poison_events');
  return rows[0]?.n ?? 0;
}

export interface IndexStore {
  /** Where the listener resumes: after this transaction of this block. */
  checkpoint(channel: string): Promise<Checkpoint>;
  /** Applies one event exactly once; false when it was already indexed. */
  apply(channel: string, event: IndexedEvent): Promise<boolean>;
  /**
   * Applies events in ledger order in one database transaction with the checkpoint of the
   * last (one commit for a block's worth of events); for each, false when already indexed.
   */
  applyAll(channel: string, events: readonly IndexedEvent[]): Promise<boolean[]>;
  /** The events recorded as poison (newest first). */
  poisonEvents(channel?: string): Promise<PoisonEvent[]>;
}

/**
 * Declaration events, in ledger order, each of another declaration, in one statement. Only a
 * later block (or a later transaction of the same block, which arrives later) may overwrite:
 * replays of older events leave the row as it is.
 */
async function upsertDeclarations(
  client: PoolClient,
  run: readonly { event: IndexedEvent; declaration: DeclarationEvent }[],
): Promise<void> {
  const column = <T>(of: (r: { event: IndexedEvent; declaration: DeclarationEvent }) => T) =>
    run.map(of);
  await client.query(
    `INSERT INTO declarations (declaration_id, version, state, on_hold, jurisdiction, consignment_ref,
                               last_action, last_actor_msp, last_at, block_number, tx_id,
                               signer_subject, signer_issuer, signer_id)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bool[], $5::text[], $6::text[],
                          $7::text[], $8::text[], $9::timestamptz[], $10::bigint[], $11::text[],
                          $12::text[], $13::text[], $14::text[])
     ON CONFLICT (declaration_id) DO UPDATE SET
       version = EXCLUDED.version, state = EXCLUDED.state, on_hold = EXCLUDED.on_hold,
       last_action = EXCLUDED.last_action, last_actor_msp = EXCLUDED.last_actor_msp,
       last_at = EXCLUDED.last_at, block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id,
       signer_subject = COALESCE(EXCLUDED.signer_subject, declarations.signer_subject),
       signer_issuer = COALESCE(EXCLUDED.signer_issuer, declarations.signer_issuer),
       signer_id = COALESCE(EXCLUDED.signer_id, declarations.signer_id)
     WHERE declarations.block_number <= EXCLUDED.block_number`,
    [
      column((r) => r.declaration.declarationId),
      column((r) => r.declaration.version),
      column((r) => r.declaration.state),
      column((r) => r.declaration.onHold),
      column((r) => r.declaration.jurisdiction),
      column((r) => r.declaration.consignmentRef),
      column((r) => r.declaration.action),
      column((r) => r.declaration.actor.mspId),
      column((r) => r.declaration.at),
      column((r) => r.event.blockNumber.toString()),
      column((r) => r.event.transactionId),
      column((r) => r.declaration.signer?.subject ?? null),
      column((r) => r.declaration.signer?.issuer ?? null),
      column((r) => r.declaration.signer?.id ?? null),
    ],
  );
}

export function createIndexStore(pool: Pool): IndexStore {
  return {
    async checkpoint(channel) {
      const { rows } = await pool.query<{ block_number: string; tx_id: string }>(
        'SELECT block_number, tx_id FROM index_checkpoint WHERE channel = $1',
        [channel],
      );
      const row = rows[0];
      return {
        getBlockNumber: () => (row ? BigInt(row.block_number) : undefined),
        getTransactionId: () => row?.tx_id,
      };
    },

    async apply(channel, event) {
      const [fresh] = await applyAll(channel, [event]);
      return fresh === true;
    },

    applyAll,

    async poisonEvents(channel) {
      const { rows } = await pool.query<{
        channel: string;
        block_number: string;
        tx_id: string;
        event_name: string;
        error: string;
        recorded_at: Date;
      }>(
        `SELECT channel, block_number::text, tx_id, event_name, error, recorded_at FROM poison_events
         WHERE $1::text IS NULL OR channel = $1 ORDER BY block_number DESC, recorded_at DESC`,
        [channel ?? null],
      );
      return rows.map((row) => ({
        channel: row.channel,
        blockNumber: row.block_number,
        transactionId: row.tx_id,
        eventName: row.event_name,
        error: row.error,
        recordedAt: row.recorded_at.toISOString(),
      }));
    },
  };

  /**
   * The whole batch in one transaction; when it fails because of an event, each event in
   * its own, so the one that cannot be projected is recorded as poison (with the
   * checkpoint moving past it) and the others are indexed.
   */
  async function applyAll(channel: string, events: readonly IndexedEvent[]): Promise<boolean[]> {
    try {
      return await applyBatch(channel, events);
    } catch (error) {
      if (!isPoisonFailure(error)) throw error;
    }
    const fresh: boolean[] = [];
    for (const event of events) {
      try {
        fresh.push(...(await applyBatch(channel, [event])));
      } catch (error) {
        if (!isPoisonFailure(error)) throw error;
        await recordPoison(channel, event, describeFailure(error));
        fresh.push(false);
      }
    }
    return fresh;
  }

  /** The event kept as poison, with the checkpoint past it, in one transaction. */
  function recordPoison(channel: string, event: IndexedEvent, error: string): Promise<void> {
    return inTransaction(pool, async (client) => {
      // JSON text escapes U+0000 and lone surrogates, so the text column holds any payload.
      await client.query(
        `INSERT INTO poison_events (tx_id, channel, block_number, event_name, payload, error)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tx_id) DO NOTHING`,
        [
          event.transactionId,
          channel,
          event.blockNumber.toString(),
          event.eventName,
          JSON.stringify(event.payload) ?? null,
          error,
        ],
      );
      await advanceCheckpoint(client, channel, event);
    });
  }

  async function advanceCheckpoint(
    client: PoolClient,
    channel: string,
    last: IndexedEvent,
  ): Promise<void> {
    await client.query(
      `INSERT INTO index_checkpoint (channel, block_number, tx_id) VALUES ($1, $2, $3)
         ON CONFLICT (channel) DO UPDATE SET block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id,
           updated_at = now()
         WHERE index_checkpoint.block_number <= EXCLUDED.block_number`,
      [channel, last.blockNumber.toString(), last.transactionId],
    );
  }

  /**
   * A block's events in one transaction of a few statements, not two per event: the events
   * in one INSERT, then each run of declaration events (nearly all of a busy block) in one
   * upsert, the others one by one, in ledger order.
   */
  function applyBatch(channel: string, events: readonly IndexedEvent[]): Promise<boolean[]> {
    const last = events.at(-1);
    if (!last) return Promise.resolve([]);
    for (const event of events)
      if (event.payloadError !== undefined) throw new TypeError(event.payloadError);
    return inTransaction(pool, async (client) => {
      // The notification is delivered at commit: the event stream wakes up and reads the
      // new rows; its payload (the event name) tells caches of ledger state what changed.
      // Rows are inserted in ledger order (seq follows it: the stream's order).
      const inserted = await client.query<{ tx_id: string }>(
        `WITH inserted AS (
             INSERT INTO ledger_events (tx_id, channel, block_number, event_name, payload)
             SELECT e.tx_id, $1, e.block_number, e.event_name, e.payload
             FROM unnest($2::text[], $3::bigint[], $4::text[], $5::jsonb[])
                  WITH ORDINALITY AS e(tx_id, block_number, event_name, payload, n)
             ORDER BY e.n
             ON CONFLICT (tx_id) DO NOTHING RETURNING tx_id, event_name)
           SELECT tx_id, pg_notify('${EVENTS_CHANNEL}', event_name) FROM inserted`,
        [
          channel,
          events.map((e) => e.transactionId),
          events.map((e) => e.blockNumber.toString()),
          events.map((e) => e.eventName),
          events.map((e) => JSON.stringify(e.payload)),
        ],
      );
      // An event twice in one batch is new once, at its first place.
      const isNew = new Set(inserted.rows.map((r) => r.tx_id));
      const fresh = events.map((e) => isNew.delete(e.transactionId));
      let run: { event: IndexedEvent; declaration: DeclarationEvent }[] = [];
      const flush = async () => {
        if (run.length > 0) await upsertDeclarations(client, run);
        run = [];
      };
      for (const [i, event] of events.entries()) {
        if (!fresh[i]) continue;
        if (isDeclarationEventName(event.eventName)) {
          const declaration = DeclarationEventSchema.parse(event.payload);
          // One statement may touch a row once: a second event of the same declaration
          // starts the next run.
          if (run.some((r) => r.declaration.declarationId === declaration.declarationId))
            await flush();
          run.push({ event, declaration });
          continue;
        }
        await flush();
        await project(client, event);
      }
      await flush();
      await advanceCheckpoint(client, channel, last);
      return fresh;
    });
  }
}
