/**
 * PostgreSQL LISTEN on one dedicated connection, fanned out in process: operations ending
 * (Prefer: wait) and new ledger events (the event stream) wake whoever waits for them.
 */
import { EventEmitter } from 'node:events';
import type { Pool } from 'pg';

export interface Notifications {
  /** Emits `<channel>` with the payload for every NOTIFY on the channels listened to. */
  readonly events: EventEmitter;
  close(): Promise<void>;
}

export async function listen(pool: Pool, channels: readonly string[]): Promise<Notifications> {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const client = await pool.connect();
  client.on('notification', (n) => events.emit(n.channel, n.payload ?? ''));
  // A broken connection loses notifications: say so, waiters then fall back to reading.
  client.on('error', (error) => events.emit('error', error));
  for (const channel of channels) await client.query(`LISTEN ${channel}`);
  return {
    events,
    async close() {
      await client.query('UNLISTEN *').catch(() => undefined);
      client.release();
    },
  };
}
