/**
 * The mutual-recognition trust list: anyone signed in reads it (the portal shows which
 * authority vouched for a signature). A change (add, update, withdraw an authority) is a
 * proposal by one customs service's trust administrator that takes effect only when a trust
 * administrator of the other approves it (the chaincode checks both by client identity);
 * the proposer's service may withdraw it, the other may reject it. A CRL signed by its CA
 * replaces the listed one in one step. Every act runs under the administrator's own identity.
 */
import {
  AuthorityRecordSchema,
  PROPOSAL_STATUSES,
  TrustChangeSchema,
  TrustProposalRecordSchema,
} from '@clearance/domain';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdempotencyHeaders, OperationResponse, errorResponses } from '../http/schemas';
import { invocations, type Invocation } from '../ports/contract';
import { acceptOperation, type Operations } from '../operations/submit';
import { requireOfficer } from '../plugins/auth';

const AuthorityId = z.object({ authorityId: z.string().regex(/^[A-Z0-9][A-Z0-9_-]{1,63}$/) });
const ProposalId = z.object({
  proposalId: z
    .string()
    .regex(/^[A-Za-z0-9]{1,64}$/)
    .meta({ description: 'The id of the transaction that proposed it' }),
});
const Decision = z.object({ reason: z.string().trim().min(1).max(512) }).strict();
const Authority = AuthorityRecordSchema;
const Proposal = TrustProposalRecordSchema;

const TRUST_ADMIN = ['trust-admin'];

const trustListRoutes: FastifyPluginAsync<{ operations: Operations }> = async (
  instance,
  { operations },
) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const act = { headers: IdempotencyHeaders };
  const accepted = { 200: OperationResponse, 202: OperationResponse, ...errorResponses };
  /** Trust-list acts: by trust administrators, under their own identity, as operations. */
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
    '/v1/trust-list/proposals',
    {
      schema: {
        tags: ['trust list'],
        summary: 'Proposed changes of the trust list, oldest first (pending ones change nothing)',
        querystring: z.object({ status: z.enum(PROPOSAL_STATUSES).optional() }).strict(),
        response: { 200: z.object({ items: z.array(Proposal) }), ...errorResponses },
      },
    },
    async (request) => ({
      items: await app.contract.trustList.proposals(request.query.status),
    }),
  );

  app.post(
    '/v1/trust-list/proposals',
    {
      schema: {
        tags: ['trust list'],
        summary:
          "Propose adding, updating or withdrawing an authority (trust administrators); it takes effect when the other customs service's trust administrator approves",
        ...act,
        body: TrustChangeSchema,
        response: accepted,
      },
    },
    async (request, reply) =>
      asTrustAdmin(
        request,
        reply,
        'PROPOSE_TRUST_CHANGE',
        invocations.proposeTrustChange(request.body),
      ),
  );

  app.get(
    '/v1/trust-list/proposals/:proposalId',
    {
      schema: {
        tags: ['trust list'],
        summary: 'One proposed change and what became of it',
        params: ProposalId,
        response: { 200: Proposal, ...errorResponses },
      },
    },
    async (request) => app.contract.trustList.proposal(request.params.proposalId),
  );

  for (const [path, decision, kind, summary] of [
    [
      'approval',
      'APPROVE',
      'APPROVE_TRUST_CHANGE',
      "Approve the other customs service's proposal: the change takes effect",
    ],
    ['rejection', 'REJECT', 'REJECT_TRUST_CHANGE', "Refuse the other customs service's proposal"],
    ['withdrawal', 'WITHDRAW', 'WITHDRAW_TRUST_CHANGE', "Take back your own service's proposal"],
  ] as const)
    app.post(
      `/v1/trust-list/proposals/:proposalId/${path}`,
      {
        schema: {
          tags: ['trust list'],
          summary: `${summary} (trust administrators)`,
          ...act,
          params: ProposalId,
          body: Decision,
          response: accepted,
        },
      },
      async (request, reply) =>
        asTrustAdmin(
          request,
          reply,
          kind,
          invocations.decideTrustChange(decision, request.params.proposalId, request.body.reason),
        ),
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

  app.put(
    '/v1/trust-list/:authorityId/crl',
    {
      schema: {
        tags: ['trust list'],
        summary:
          "Replace an authority's certificate revocation list (one step: only a CRL its CA signed, newer than the listed one, is taken)",
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
};

export default trustListRoutes;
