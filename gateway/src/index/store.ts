/**
 * The index of ledger events in PostgreSQL. Each event is applied in one database
 * transaction together with the checkpoint it advances to, and keyed by transaction id:
 * after a crash at any point the listener resumes from the checkpoint, and an event seen
 * twice inserts nothing twice.
 */
import type { Checkpoint } from '../ledger/fabric-client';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../db';

/** NOTIFY channel of new index rows (payload: the event name), sent at their commit. */
export const EVENTS_CHANNEL = 'ledger_events';

export interface IndexedEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: unknown;
}

interface DeclarationEventPayload {
  declarationId: string;
  version: number;
  state: string;
  onHold: boolean;
  jurisdiction: string;
  consignmentRef: string;
  action: string;
  actor: { mspId: string };
  at: string;
  /** Absent from events of chaincode versions before the signer was added. */
  signer?: { subject: string; issuer: string };
}

/** actor and at are absent from alarms recorded by the first chaincode version. */
interface AlarmEventPayload {
  heldDeclarations: string[];
  actor?: { mspId: string };
  at?: string;
}

function isAlarmEvent(payload: unknown): payload is AlarmEventPayload {
  const p = payload as Partial<AlarmEventPayload> | null;
  return (
    Array.isArray(p?.heldDeclarations) && p.heldDeclarations.every((d) => typeof d === 'string')
  );
}

/** A seal alarm holds declarations without a declaration event of their own. */
async function holdDeclarations(
  client: PoolClient,
  event: IndexedEvent,
  alarm: AlarmEventPayload,
): Promise<void> {
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

function isDeclarationEvent(payload: unknown): payload is DeclarationEventPayload {
  const p = payload as Partial<DeclarationEventPayload> | null;
  return (
    typeof p?.declarationId === 'string' &&
    typeof p.state === 'string' &&
    typeof p.version === 'number'
  );
}

/** Every seal event names the seal, its device and state; SealApplied also its route. */
interface SealEventPayload {
  sealId: string;
  deviceId: string;
  state: string;
  declarationIds?: string[];
  routeId?: string;
  conveyance?: string;
  at?: string;
  kind?: string;
}

function isSealEvent(payload: unknown): payload is SealEventPayload {
  const p = payload as Partial<SealEventPayload> | null;
  return (
    typeof p?.sealId === 'string' && typeof p.deviceId === 'string' && typeof p.state === 'string'
  );
}

async function upsertSeal(
  client: PoolClient,
  event: IndexedEvent,
  s: SealEventPayload,
): Promise<void> {
  const applied = event.eventName === 'SealApplied';
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
      event.eventName === 'SealAlarmRaised' && typeof s.kind === 'string' ? [s.kind] : [],
      event.eventName,
      event.blockNumber.toString(),
      event.transactionId,
    ],
  );
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
}

async function upsertDeclaration(
  client: PoolClient,
  event: IndexedEvent,
  d: DeclarationEventPayload,
): Promise<void> {
  // Only a later block (or a later transaction of the same block, which arrives later)
  // may overwrite: replays of older events leave the row as it is.
  await client.query(
    `INSERT INTO declarations (declaration_id, version, state, on_hold, jurisdiction, consignment_ref,
                               last_action, last_actor_msp, last_at, block_number, tx_id,
                               signer_subject, signer_issuer)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (declaration_id) DO UPDATE SET
       version = EXCLUDED.version, state = EXCLUDED.state, on_hold = EXCLUDED.on_hold,
       last_action = EXCLUDED.last_action, last_actor_msp = EXCLUDED.last_actor_msp,
       last_at = EXCLUDED.last_at, block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id,
       signer_subject = COALESCE(EXCLUDED.signer_subject, declarations.signer_subject),
       signer_issuer = COALESCE(EXCLUDED.signer_issuer, declarations.signer_issuer)
     WHERE declarations.block_number <= EXCLUDED.block_number`,
    [
      d.declarationId,
      d.version,
      d.state,
      d.onHold,
      d.jurisdiction,
      d.consignmentRef,
      d.action,
      d.actor.mspId,
      d.at,
      event.blockNumber.toString(),
      event.transactionId,
      d.signer?.subject ?? null,
      d.signer?.issuer ?? null,
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
  };

  function applyAll(channel: string, events: readonly IndexedEvent[]): Promise<boolean[]> {
    const last = events.at(-1);
    if (!last) return Promise.resolve([]);
    return inTransaction(pool, async (client) => {
      const fresh: boolean[] = [];
      for (const event of events) {
        // The notification is delivered at commit: the event stream wakes up and reads the
        // new rows; its payload (the event name) tells caches of ledger state what changed.
        const inserted = await client.query(
          `WITH inserted AS (
               INSERT INTO ledger_events (tx_id, channel, block_number, event_name, payload)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tx_id) DO NOTHING RETURNING event_name)
             SELECT pg_notify('${EVENTS_CHANNEL}', event_name) FROM inserted`,
          [
            event.transactionId,
            channel,
            event.blockNumber.toString(),
            event.eventName,
            JSON.stringify(event.payload),
          ],
        );
        const isNew = inserted.rowCount === 1;
        fresh.push(isNew);
        if (!isNew) continue;
        if (isDeclarationEvent(event.payload))
          await upsertDeclaration(client, event, event.payload);
        if (isAlarmEvent(event.payload)) await holdDeclarations(client, event, event.payload);
        if (isSealEvent(event.payload)) await upsertSeal(client, event, event.payload);
      }
      await client.query(
        `INSERT INTO index_checkpoint (channel, block_number, tx_id) VALUES ($1, $2, $3)
           ON CONFLICT (channel) DO UPDATE SET block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id,
             updated_at = now()
           WHERE index_checkpoint.block_number <= EXCLUDED.block_number`,
        [channel, last.blockNumber.toString(), last.transactionId],
      );
      return fresh;
    });
  }
}
