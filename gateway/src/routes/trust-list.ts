/**
 * The mutual-recognition trust list: anyone signed in reads it (the portal shows which
 * authority vouched for a signature); trust administrators of the customs services add
 * authorities, update revocation lists and withdraw, under their own identities.
 */
import { AuthorityInputSchema, AuthorityRecordSchema } from '@clearance/chaincode/domain';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdempotencyHeaders, OperationResponse, errorResponses } from '../http/schemas';
import { invocations, type Invocation } from '../ledger/contract';
import { acceptOperation, type Operations } from '../operations/submit';
import { requireOfficer } from '../plugins/auth';

const AuthorityId = z.object({ authorityId: z.string().regex(/^[A-Z0-9][A-Z0-9_-]{1,63}$/) });
const Authority = AuthorityRecordSchema;

const TRUST_ADMIN = ['trust-admin'];

const trustListRoutes: FastifyPluginAsync<{ operations: Operations }> = async (
  instance,
  { operations },
) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const act = { headers: IdempotencyHeaders };
  const accepted = { 200: OperationResponse, 202: OperationResponse, ...errorResponses };
  /** Trust-list changes: by trust administrators, under their own identity, as operations. */
  const asTrustAdmin = (
    request: FastifyRequest,
    reply: FastifyReply,
    kind: string,
    invocation: Invocation,
  ) =>
    acceptOperation(operations, request, reply, {
      kind,
      accountId: requireOfficer(request, TRUST_ADMIN).id,
      ...invocation,
    });

  app.get(
    '/v1/trust-list',
    {
      schema: {
        tags: ['trust list'],
        summary: 'Recognised certificate authorities of both sides',
        response: { 200: z.object({ items: z.array(Authority) }), ...errorResponses },
      },
    },
    async () => ({
      items: await app.contract.trustList.list(),
    }),
  );

  app.get(
    '/v1/trust-list/:authorityId',
    {
      schema: {
        tags: ['trust list'],
        summary: 'One authority',
        params: AuthorityId,
        response: { 200: Authority, ...errorResponses },
      },
    },
    async (request) => app.contract.trustList.get(request.params.authorityId),
  );

  app.post(
    '/v1/trust-list',
    {
      schema: {
        tags: ['trust list'],
        summary: 'Recognise an authority (trust administrators; both customs services endorse)',
        ...act,
        body: AuthorityInputSchema,
        response: accepted,
      },
    },
    async (request, reply) =>
      asTrustAdmin(request, reply, 'ADD_AUTHORITY', invocations.addAuthority(request.body)),
  );

  app.put(
    '/v1/trust-list/:authorityId/crl',
    {
      schema: {
        tags: ['trust list'],
        summary: "Replace an authority's certificate revocation list",
        ...act,
        params: AuthorityId,
        body: z.object({ crlPem: z.string().min(1).max(1_048_576) }).strict(),
        response: accepted,
      },
    },
    async (request, reply) =>
      asTrustAdmin(
        request,
        reply,
        'UPDATE_CRL',
        invocations.updateRevocationList(request.params.authorityId, request.body.crlPem),
      ),
  );

  app.post(
    '/v1/trust-list/:authorityId/withdrawal',
    {
      schema: {
        tags: ['trust list'],
        summary: 'Stop recognising an authority',
        ...act,
        params: AuthorityId,
        body: z.object({ reason: z.string().min(1).max(512) }).strict(),
        response: accepted,
      },
    },
    async (request, reply) =>
      asTrustAdmin(
        request,
        reply,
        'WITHDRAW_AUTHORITY',
        invocations.withdrawAuthority(request.params.authorityId, request.body.reason),
      ),
  );
};

export default trustListRoutes;
