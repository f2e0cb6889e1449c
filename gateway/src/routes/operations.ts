import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors';
import { ErrorBody, OperationResponse } from '../http/schemas';
import { toOperation, type OperationStore } from '../operations/store';

/** The state of an accepted act: pending, succeeded (with transaction and block) or failed. */
const operationRoutes: FastifyPluginAsync<{ store: OperationStore }> = async (
  instance,
  { store },
) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/operations/:operationId',
    {
      schema: {
        tags: ['operations'],
        summary: 'State of an operation',
        params: z.object({ operationId: z.uuid() }),
        response: { 200: OperationResponse, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const row = await store.get(request.params.operationId);
      // Someone else's operation is as good as none.
      if (!row || row.principal_id !== request.principal?.id) throw new ApiError('NOT_FOUND');
      return { operation: toOperation(row) };
    },
  );
};

export default operationRoutes;
