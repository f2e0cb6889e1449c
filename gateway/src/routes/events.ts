/**
 * The live event stream (Server-Sent Events) from the index: every ledger event the asker
 * may see, in commit order, each with its index sequence as the SSE id, so a client that
 * reconnects with Last-Event-ID misses nothing and sees nothing twice.
 *
 * Streams are long-lived and each costs reads of the index, so they are bounded: at most
 * STREAM_LIMITS.perPrincipal open per principal, perClient per client address and total in
 * all (429 RATE_LIMITED, or 503 BUSY past the total). A stream reads only events it has not
 * yet passed, in windows of at most WINDOW index positions, and moves past what the asker
 * may not see, so a wake costs the events since the last one, not the whole index after
 * its last visible event; at most DRAINS_AT_ONCE streams read at a time, so a burst of
 * notifications leaves the pool to other requests.
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
import { semaphore } from '../limits/semaphore';
import { signedBy } from '../seals/queries';

export { EVENTS_CHANNEL };
const PAGE = 500;
/** Index positions one read of a stream covers at most. */
export const WINDOW = 5000;
const HEARTBEAT_MS = 15_000;
export const STREAM_LIMITS = { perPrincipal: 4, perClient: 16, total: 1000 } as const;
const DRAINS_AT_ONCE = 4;
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

/** The lists of declarations an event may carry (seal, alarm and crossing events). */
const DeclarationLists = z.looseObject({
  declarationIds: z.array(z.string()).optional(),
  heldDeclarations: z.array(z.string()).optional(),
});

const listsOf = (payload: unknown): string[] => {
  const parsed = DeclarationLists.safeParse(payload);
  return parsed.success
    ? [...(parsed.data.declarationIds ?? []), ...(parsed.data.heldDeclarations ?? [])]
    : [];
};

/** The payload with only the declarations in `mine` left in its lists of declarations. */
function scoped(payload: unknown, mine: ReadonlySet<string>): unknown {
  const parsed = DeclarationLists.safeParse(payload);
  if (!parsed.success) return payload;
  const { declarationIds, heldDeclarations } = parsed.data;
  return {
    ...parsed.data,
    ...(declarationIds ? { declarationIds: declarationIds.filter((id) => mine.has(id)) } : {}),
    ...(heldDeclarations
      ? { heldDeclarations: heldDeclarations.filter((id) => mine.has(id)) }
      : {}),
  };
}

/** What the principal may see, as a SQL condition on `e` (ledger_events), values from $4. */
function visibility(p: Principal): { sql: string; values: unknown[] } {
  if (p.kind === 'trader') {
    return {
      sql: `EXISTS (SELECT 1 FROM declarations d WHERE d.signer_id = $4
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
              AND e.payload->>'controlPoint' = $4)`,
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
  const byPrincipal = new Map<string, number>();
  const byClient = new Map<string, number>();
  const take = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const give = (map: Map<string, number>, key: string) => {
    const left = (map.get(key) ?? 1) - 1;
    if (left > 0) map.set(key, left);
    else map.delete(key);
  };
  const oneAtATime = semaphore(DRAINS_AT_ONCE);

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
      if ((byPrincipal.get(principal.id) ?? 0) >= STREAM_LIMITS.perPrincipal)
        throw new ApiError(
          'RATE_LIMITED',
          `At most ${STREAM_LIMITS.perPrincipal} event streams at once; close one first.`,
        );
      if ((byClient.get(request.ip) ?? 0) >= STREAM_LIMITS.perClient)
        throw new ApiError(
          'RATE_LIMITED',
          `At most ${STREAM_LIMITS.perClient} event streams from one address at once.`,
        );
      if (open.size >= STREAM_LIMITS.total) throw new ApiError('BUSY');
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
      take(byPrincipal, principal.id);
      take(byClient, request.ip);
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
      let position = BigInt(last);
      const drain = async (): Promise<void> => {
        const { rows: heads } = await pool.query<{ seq: string | null }>(
          'SELECT max(seq)::text AS seq FROM ledger_events',
        );
        const head = BigInt(heads[0]?.seq ?? '0');
        while (!closed && position < head) {
          const upto = position + BigInt(WINDOW) < head ? position + BigInt(WINDOW) : head;
          const { rows } = await pool.query<EventRow>(
            `SELECT seq::text, event_name, payload FROM ledger_events e
             WHERE e.seq > $1 AND e.seq <= $2 AND ${sql} ORDER BY e.seq LIMIT $3`,
            [position.toString(), upto.toString(), PAGE, ...values],
          );
          // A trader sees only their own declarations named in events about shared seals.
          const mine =
            principal.kind === 'trader'
              ? await signedBy(
                  pool,
                  [...new Set(rows.flatMap((r) => listsOf(r.payload)))],
                  principal.id,
                )
              : undefined;
          for (const row of rows) {
            const payload = mine ? scoped(row.payload, mine) : row.payload;
            out.write(
              `id: ${row.seq}\nevent: ${row.event_name}\ndata: ${JSON.stringify(payload)}\n\n`,
            );
          }
          // A full page may end before the window does; otherwise the window is done.
          position = rows.length === PAGE ? BigInt(rows[rows.length - 1]!.seq) : upto;
        }
      };
      const wake = () => {
        if (queued) return;
        queued = true;
        reading = reading
          .then(() =>
            oneAtATime(() => {
              queued = false;
              return drain();
            }),
          )
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
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        notifications.events.off(EVENTS_CHANNEL, wake);
        open.delete(end);
        give(byPrincipal, principal.id);
        give(byClient, request.ip);
        out.end();
      };
      open.add(end);
      request.raw.on('close', end);
      wake();
    },
  );
};

export default eventRoutes;
