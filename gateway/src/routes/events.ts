/**
 * The live event stream (Server-Sent Events) from the index: every ledger event the asker
 * may see, in commit order, each with its index sequence as the SSE id, so a client that
 * reconnects with Last-Event-ID misses nothing and sees nothing twice.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { ApiError } from '../errors';
import { ErrorBody } from '../http/schemas';
import { EVENTS_CHANNEL } from '../projection/store';
import type { Notifications } from '../notifications';
import { isSealOperator, laneOf, requirePrincipal } from '../plugins/auth';

export { EVENTS_CHANNEL };
const PAGE = 500;
const HEARTBEAT_MS = 15_000;
/** Index sequences are PostgreSQL bigints (bigserial). */
const MAX_SEQ = 2n ** 63n - 1n;

/** A stream position given by the client: a bigint, or a coded 400 (never "from now"). */
export function parseEventPosition(text: string): string {
  if (!/^\d{1,19}$/.test(text) || BigInt(text) > MAX_SEQ)
    throw new ApiError(
      'VALIDATION_FAILED',
      'Last-Event-ID (or after) must be an event id from this stream: 0 to 9223372036854775807.',
    );
  return BigInt(text).toString();
}

interface EventRow {
  seq: string;
  event_name: string;
  payload: unknown;
}

/** What the principal may see, as a SQL condition on `e` (ledger_events). */
function visibility(p: Principal): { sql: string; values: unknown[] } {
  if (p.kind === 'trader') {
    return {
      sql: `EXISTS (SELECT 1 FROM declarations d WHERE d.signer_id = $3
              AND (d.declaration_id = e.payload->>'declarationId' OR e.payload->'heldDeclarations' ? d.declaration_id
                   OR e.payload->'declarationIds' ? d.declaration_id))`,
      values: [p.id],
    };
  }
  const lane = laneOf(p);
  if (lane !== undefined) {
    // A lane device follows its own control point: decisions, outcomes and taps there.
    return {
      sql: `(e.event_name IN ('CrossingDecided', 'CrossingInspectionRecorded', 'CheckpointVerified')
              AND e.payload->>'controlPoint' = $3)`,
      values: [lane],
    };
  }
  if (isSealOperator(p)) {
    return {
      sql: `(e.event_name LIKE 'Seal%' OR e.event_name LIKE 'Device%' OR e.event_name IN ('ReadingsAnchored', 'CheckpointVerified'))`,
      values: [],
    };
  }
  return { sql: 'true', values: [] };
}

const eventRoutes: FastifyPluginAsync<{ pool: Pool; notifications: Notifications }> = async (
  instance,
  { pool, notifications },
) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  // Open streams end when the app closes, so a graceful shutdown does not wait on them.
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of open) end();
  });

  app.get(
    '/v1/events',
    {
      config: { lane: true },
      schema: {
        tags: ['events'],
        summary: 'Live ledger events (text/event-stream); resume with Last-Event-ID',
        querystring: z.object({
          after: z
            .string()
            .optional()
            .meta({ description: 'As Last-Event-ID, for clients that cannot set headers' }),
        }),
        headers: z.object({
          'last-event-id': z
            .string()
            .optional()
            .meta({ description: 'Resume after this event id' }),
        }),
        response: {
          200: {
            description: 'The events the asker may see, as Server-Sent Events',
            content: { 'text/event-stream': { schema: z.string() } },
          },
          400: ErrorBody,
          401: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const start = request.headers['last-event-id'] ?? request.query.after;
      let last = start === undefined ? undefined : parseEventPosition(start);
      if (last === undefined) {
        // A new subscriber starts at the present.
        const { rows } = await pool.query<{ seq: string | null }>(
          'SELECT max(seq)::text AS seq FROM ledger_events',
        );
        last = rows[0]?.seq ?? '0';
      }
      const { sql, values } = visibility(principal);
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      out.write('retry: 2000\n\n');
      let closed = false;
      let reading: Promise<void> = Promise.resolve();
      // A drain reads everything after `last` when it starts: while one waits to start, a
      // burst of notifications needs no other.
      let queued = false;
      const drain = async (): Promise<void> => {
        for (;;) {
          if (closed) return;
          const { rows } = await pool.query<EventRow>(
            `SELECT seq::text, event_name, payload FROM ledger_events e
             WHERE e.seq > $1 AND ${sql} ORDER BY e.seq LIMIT $2`,
            [last, PAGE, ...values],
          );
          for (const row of rows) {
            out.write(
              `id: ${row.seq}\nevent: ${row.event_name}\ndata: ${JSON.stringify(row.payload)}\n\n`,
            );
            last = row.seq;
          }
          if (rows.length < PAGE) return;
        }
      };
      const wake = () => {
        if (queued) return;
        queued = true;
        reading = reading
          .then(() => {
            queued = false;
            return drain();
          })
          .catch((error: unknown) => {
            request.log.warn({ err: error }, 'event stream read failed');
          });
      };
      notifications.events.on(EVENTS_CHANNEL, wake);
      const heartbeat = setInterval(() => {
        out.write(': keep-alive\n\n');
        wake(); // also covers a notification lost with a broken LISTEN connection
      }, HEARTBEAT_MS);
      const end = () => {
        closed = true;
        clearInterval(heartbeat);
        notifications.events.off(EVENTS_CHANNEL, wake);
        open.delete(end);
        out.end();
      };
      open.add(end);
      request.raw.on('close', end);
      wake();
    },
  );
};

export default eventRoutes;
