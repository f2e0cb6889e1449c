import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { ApiError } from '../errors';
import { ingestReadings, type DeviceDirectory } from '../readings/ingest';

export const MAX_READINGS_PER_BATCH = 5000;
const Batch = z
  .object({ readings: z.array(z.unknown()).min(1).max(MAX_READINGS_PER_BATCH) })
  .strict();

/**
 * E-lock readings in bulk. Each reading is authenticated by its device's signature (the
 * key registered on the ledger), so no session is needed. 202 comes only after the
 * accepted readings are committed to PostgreSQL; anchoring follows in the worker.
 */
const readingRoutes: FastifyPluginAsync<{ pool: Pool; directory: DeviceDirectory }> = async (
  app,
  { pool, directory },
) => {
  // Each reading carries its device's signature: the devices need no session.
  app.post(
    '/v1/seals/readings',
    { bodyLimit: 8 * 1024 * 1024, config: { public: true } },
    async (request, reply) => {
      const body = Batch.safeParse(request.body);
      if (!body.success) {
        throw new ApiError(
          'VALIDATION_FAILED',
          `body must be { readings: [1..${MAX_READINGS_PER_BATCH} signed readings] }`,
        );
      }
      const result = await ingestReadings(pool, directory, body.data.readings);
      return reply.status(202).send(result);
    },
  );
};

export default readingRoutes;
