import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SelfCheckRecordSchema } from '@clearance/domain';
import { errorResponses } from '../http/schemas';
import { requireOfficer } from '../plugins/auth';
import { createContractClient } from '../ports/contract';
import type { Ledger } from '../ports/ledger';

const CheckId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);

/**
 * The network self-check: one real transaction end to end, under the asking officer's own
 * identity, so the ledger records who asked (MSP, id, role); a gateway without officers'
 * identities (no accounts) records it under its own. POST returns once the transaction is
 * committed, with its id and block number.
 */
const selfCheckRoutes: FastifyPluginAsync<{
  ledgers?: ((accountId: string) => Promise<Ledger>) | undefined;
}> = async (instance, { ledgers }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/self-checks',
    {
      schema: {
        tags: ['operations'],
        summary: 'Record a self-check on the ledger (end-to-end probe)',
        body: z
          .object({ checkId: CheckId.optional(), note: z.string().max(256).default('') })
          .strict()
          .default({ note: '' }),
        response: {
          201: z.object({
            checkId: z.string(),
            transactionId: z.string(),
            blockNumber: z.string(),
            record: SelfCheckRecordSchema,
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const officer = requireOfficer(request);
      const contract = ledgers ? createContractClient(await ledgers(officer.id)) : app.contract;
      const checkId = request.body.checkId ?? `check-${randomUUID()}`;
      const { committed, result } = await contract.selfCheck.record(checkId, request.body.note);
      return reply.status(201).send({
        checkId,
        transactionId: committed.transactionId,
        blockNumber: committed.blockNumber.toString(),
        record: result,
      });
    },
  );

  app.get(
    '/v1/self-checks/:checkId',
    {
      schema: {
        tags: ['operations'],
        summary: 'A recorded self-check',
        params: z.object({ checkId: CheckId }),
        response: { 200: SelfCheckRecordSchema, ...errorResponses },
      },
    },
    async (request) => app.contract.selfCheck.get(request.params.checkId),
  );
};

export default selfCheckRoutes;
