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
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { ApiError } from '../errors';
import { ErrorBody } from '../http/schemas';
import { EVENTS_CHANNEL } from '../projection/store';
import type { Notifications } from '../notifications';
import { isSealOperator, laneOf, requirePrincipal } from '../plugins/auth';
import { semaphore } from '../limits/semaphore';
import type { EventScope } from '../plugins/repositories';

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

/** Which indexed events the principal may see. */
function scopeOf(p: Principal): EventScope {
  if (p.kind === 'trader') return { kind: 'signer', signerId: p.id };
  const lane = laneOf(p);
  // A lane device follows its own control point: decisions, outcomes and taps there.
  if (lane !== undefined) return { kind: 'controlPoint', controlPoint: lane };
  if (isSealOperator(p)) return { kind: 'seals' };
  return { kind: 'all' };
}

const eventRoutes: FastifyPluginAsync<{ notifications: Notifications }> = async (
  instance,
  { notifications },
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
        last = await app.eventIndex.head();
      }
      const scope = scopeOf(principal);
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
        const head = BigInt(await app.eventIndex.head());
        while (!closed && position < head) {
          const upto = position + BigInt(WINDOW) < head ? position + BigInt(WINDOW) : head;
          const rows = await app.eventIndex.page(scope, position.toString(), upto.toString(), PAGE);
          // A trader sees only their own declarations named in events about shared seals.
          const mine =
            principal.kind === 'trader'
              ? await app.declarationIndex.signedBy(
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
