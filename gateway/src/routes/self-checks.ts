import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../errors';

const CreateSelfCheck = z
  .object({
    checkId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .optional(),
    note: z.string().max(256).default(''),
  })
  .strict();

const CheckIdParam = z.object({ checkId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    throw new ApiError('VALIDATION_FAILED', detail);
  }
  return result.data;
}

/**
 * The network self-check: one real transaction end to end. POST returns once the
 * transaction is committed, with its id and block number.
 */
const selfCheckRoutes: FastifyPluginAsync = async (app) => {
  app.post('/v1/self-checks', async (request, reply) => {
    const body = parse(CreateSelfCheck, request.body ?? {});
    const checkId = body.checkId ?? `check-${randomUUID()}`;
    const committed = await app.ledger.submit('SelfCheck:Record', [checkId, body.note]);
    return reply.status(201).send({
      checkId,
      transactionId: committed.transactionId,
      blockNumber: committed.blockNumber.toString(),
      record: JSON.parse(committed.result) as unknown,
    });
  });

  app.get('/v1/self-checks/:checkId', async (request) => {
    const { checkId } = parse(CheckIdParam, request.params);
    return JSON.parse(await app.ledger.evaluate('SelfCheck:Get', [checkId])) as unknown;
  });
};

export default selfCheckRoutes;
