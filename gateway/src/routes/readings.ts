import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { ApiError } from '../errors';
import { errorResponses } from '../http/schemas';
import { readingsAccepted, readingsRejected } from '../metrics';
import { REJECTIONS, ingestReadings, type DeviceDirectory } from '../readings/ingest';
import type { ReadingSignatureCheck } from '../readings/signatures';
import { WindowCounter } from '../limits/bounded-cache';
import type { ReadingsSink } from '../anchoring/pipeline';

export const MAX_READINGS_PER_BATCH = 5000;
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/**
 * Devices not in the directory's cache one batch may make the gateway ask the ledger about,
 * and ids the ledger did not know one client address may make it ask about a minute; past
 * either, readings of devices not cached are refused NOT_CHECKED without asking.
 */
export const LEDGER_LOOKUPS_PER_BATCH = 32;
export const UNKNOWN_DEVICE_LOOKUPS_PER_MINUTE = 64;

const Batch = z
  .object({
    readings: z
      .array(z.unknown())
      .min(1)
      .max(MAX_READINGS_PER_BATCH)
      .meta({ description: 'Signed readings ({ reading, signature }), each judged on its own' }),
  })
  .strict()
  .meta({ id: 'ReadingBatch' });

const IngestResponse = z
  .object({
    accepted: z.number().int(),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        deviceId: z.string().optional(),
        counter: z.number().int().optional(),
        reason: z.enum(REJECTIONS),
      }),
    ),
    gaps: z.array(z.object({ deviceId: z.string(), missing: z.number().int() })),
    outOfOrder: z.array(z.string()),
  })
  .meta({ id: 'ReadingsAccepted' });

/**
 * E-lock readings in bulk. Each reading is authenticated by its device's signature (the
 * key registered on the ledger), so no session is needed. 202 comes only after the
 * accepted readings are committed to PostgreSQL; their anchoring is then queued (and the
 * sweep anchors them if the queue loses it). Every refusal is counted by reason.
 */
const readingRoutes: FastifyPluginAsync<{
  pool: Pool;
  directory: DeviceDirectory;
  sink?: ReadingsSink | undefined;
  checkSignatures?: ReadingSignatureCheck | undefined;
}> = async (instance, { pool, directory, sink, checkSignatures }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const unknownByClient = new WindowCounter(60_000, 10_000);
  app.post(
    '/v1/seals/readings',
    {
      config: { public: true },
      bodyLimit: MAX_BATCH_BYTES,
      attachValidation: true,
      schema: {
        tags: ['seals'],
        summary: 'Signed e-lock readings in bulk (device-authenticated; 202 once stored)',
        security: [],
        body: Batch,
        response: { 202: IngestResponse, ...errorResponses, 413: errorResponses[400] },
      },
      // Bodies Fastify refuses before the handler (too large, not JSON) are counted here;
      // the handler's own errors are ApiErrors, which have no statusCode.
      onError: async (_request, _reply, error) => {
        const status = 'statusCode' in error ? error.statusCode : undefined;
        if (status === 413) readingsRejected.inc({ reason: 'OVERSIZED_BATCH' });
        else if (status === 400 || status === 415) readingsRejected.inc({ reason: 'MALFORMED' });
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        const body: unknown = request.body;
        const items =
          typeof body === 'object' && body !== null && 'readings' in body
            ? body.readings
            : undefined;
        const oversized = Array.isArray(items) && items.length > MAX_READINGS_PER_BATCH;
        readingsRejected.inc({ reason: oversized ? 'OVERSIZED_BATCH' : 'MALFORMED' });
        throw new ApiError(
          'VALIDATION_FAILED',
          `body must be { readings: [1..${MAX_READINGS_PER_BATCH} signed readings] }`,
        );
      }
      const spent = unknownByClient.count(request.ip);
      const { stored, unknownLookups, ...result } = await ingestReadings(
        pool,
        directory,
        request.body.readings,
        {
          lookups: Math.max(
            0,
            Math.min(LEDGER_LOOKUPS_PER_BATCH, UNKNOWN_DEVICE_LOOKUPS_PER_MINUTE - spent),
          ),
          ...(checkSignatures ? { checkSignatures } : {}),
        },
      );
      if (unknownLookups > 0) unknownByClient.add(request.ip, unknownLookups);
      for (const r of result.rejected) readingsRejected.inc({ reason: r.reason });
      readingsAccepted.inc(result.accepted);
      await sink?.stored(stored);
      return reply.status(202).send(result);
    },
  );
};

export default readingRoutes;
