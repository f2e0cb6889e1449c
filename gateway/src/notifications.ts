/**
 * PostgreSQL LISTEN on one dedicated connection, fanned out in process: operations ending
 * (Prefer: wait) and new ledger events (the event stream) wake whoever waits for them.
 * When the connection breaks (PostgreSQL restarted), it says so (`error`), listens again
 * on a new connection as soon as one opens, then emits `reconnected`: notifications sent
 * meanwhile are lost, so whoever waits reads again then.
 */
import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';

export const RECONNECTED = 'reconnected';

export interface Notifications {
  /** Emits `<channel>` with the payload for every NOTIFY on the channels listened to. */
  readonly events: EventEmitter;
  close(): Promise<void>;
}

export async function listen(
  pool: Pool,
  channels: readonly string[],
  options: { retryMs?: number } = {},
): Promise<Notifications> {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let client: PoolClient | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const open = async (): Promise<void> => {
    const c = await pool.connect();
    try {
      c.on('notification', (n) => events.emit(n.channel, n.payload ?? ''));
      c.on('error', (error) => broken(c, error));
      for (const channel of channels) await c.query(`LISTEN ${channel}`);
    } catch (error) {
      c.release(true);
      throw error;
    }
    client = c;
  };
  const reopen = () => {
    timer = setTimeout(() => {
      if (closed) return;
      open().then(
        () => events.emit(RECONNECTED),
        (error: unknown) => {
          events.emit('error', error);
          reopen();
        },
      );
    }, options.retryMs ?? 500);
  };
  const broken = (c: PoolClient, error: Error) => {
    if (client !== c) return;
    client = undefined;
    c.release(true);
    events.emit('error', error);
    if (!closed) reopen();
  };

  await open();
  return {
    events,
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      if (!c) return;
      await c.query('UNLISTEN *').catch(() => undefined);
      c.release();
    },
  };
}
