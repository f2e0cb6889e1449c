/**
 * Sharing a declaration's commercial values with the other side's customs service: an act
 * of the owning side's customs officer, under their own identity, recorded on the ledger
 * (`Declaration:ShareCommercial`: who, when, which version and the values' SHA-256, to
 * whom, why). A durable operation like every other act; the other side then reads the
 * values through its own peer (`Declaration:GetCommercial`, from the shared collection).
 */
import { CommercialShareInputSchema, ID_PATTERN, mayShareCommercial } from '@clearance/domain';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors';
import { IdempotencyHeaders, OperationResponse, errorResponses } from '../http/schemas';
import { invocations } from '../ports/contract';
import { acceptOperation, type Operations } from '../operations/submit';
import { requireOfficer } from '../plugins/auth';

const DeclarationId = z.object({ declarationId: z.string().regex(ID_PATTERN) });
const ShareRequest = CommercialShareInputSchema.meta({ id: 'CommercialShareRequest' });

const commercialShareRoutes: FastifyPluginAsync<{ operations: Operations }> = async (
  instance,
  { operations },
) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/declarations/:declarationId/commercial-shares',
    {
      schema: {
        tags: ['declarations'],
        summary:
          "Share the declaration's commercial values with the other side's customs service (a recorded act of the owning side's customs officer)",
        headers: IdempotencyHeaders,
        params: DeclarationId,
        body: ShareRequest,
        response: { 200: OperationResponse, 202: OperationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const officer = requireOfficer(request);
      const id = request.params.declarationId;
      const record = await app.contract.declaration.get(id);
      // The chaincode decides; asking first turns a certain refusal into an immediate one.
      const actor = { mspId: officer.mspId, id: officer.id, role: officer.role };
      if (!mayShareCommercial(actor, record.jurisdiction))
        throw new ApiError(
          'FORBIDDEN',
          `${officer.role} of ${officer.mspId} may not share the commercial values of a ${record.jurisdiction} declaration`,
        );
      if (request.body.to === record.jurisdiction)
        throw new ApiError(
          'VALIDATION_FAILED',
          `the values of a ${record.jurisdiction} declaration are already ${record.jurisdiction}'s: share them with the other side`,
        );
      return acceptOperation(operations, request, reply, {
        kind: 'SHARE_COMMERCIAL',
        accountId: officer.id,
        ...invocations.shareCommercial(id, request.body),
        declarationId: id,
      });
    },
  );
};

export default commercialShareRoutes;
