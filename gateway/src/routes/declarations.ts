/**
 * Declarations: traders file and amend (signed in the browser, filed on the ledger by the
 * filing agent of the declaration's customs, the signature proving it is theirs); officers
 * act under their own identity; lists come from the index, records from the ledger.
 */
import { canonicalBytes } from '@clearance/core';
import {
  CommercialSchema,
  DeclarationDocumentSchema,
  ID_PATTERN,
  LedgerError,
  isAllowed,
  parseFiling,
  DeclarationRecordSchema,
  HistoryEntrySchema,
  DeclarationSummarySchema,
  OfficerActSchema,
  type DeclarationResult,
  type Filing as ParsedFiling,
} from '@clearance/domain';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TraderPrincipal } from '../auth/principal';
import { ApiError } from '../errors';
import { IdempotencyHeaders, OperationResponse, errorResponses } from '../http/schemas';
import { invocations } from '../ports/contract';
import { acceptOperation, type LedgerAct, type Operations } from '../operations/submit';
import { isSealOperator, requireOfficer, requireTrader } from '../plugins/auth';
import type { SignatureCheck } from '../trust-anchors';

/** Whose filing agent files for traders, by the declaration's jurisdiction. */
export const FILING_AGENTS = { GD: 'gdcustoms/agent', HK: 'hkcustoms/agent' } as const;

/** Commercial values (private data), named once for the OpenAPI document. */
export const CommercialDocument = CommercialSchema.meta({ id: 'Commercial' });

const DeclarationId = z.object({ declarationId: z.string().regex(ID_PATTERN) });
const Filing = z
  .object({
    declaration: DeclarationDocumentSchema,
    commercial: CommercialDocument,
    signature: z
      .base64()
      .max(64 * 1024)
      .meta({ description: 'Detached CMS over the RFC 8785 JSON of { declaration, commercial }' }),
  })
  .strict()
  .meta({ id: 'SignedFiling' });

const Summary = DeclarationSummarySchema;
const Act = OfficerActSchema;

/** Filed by the filing agent of the declaration's customs; the signature travels along. */
function filingAct(
  kind: 'FILE' | 'AMEND',
  filing: ParsedFiling,
  body: z.infer<typeof Filing>,
): LedgerAct {
  return {
    kind,
    accountId: FILING_AGENTS[filing.declaration.jurisdiction],
    // Commercial values are private data: transient, never in the transaction itself.
    ...invocations.filing(kind, body.declaration, body.signature, body.commercial),
    declarationId: filing.declaration.declarationId,
  };
}

/** Whether the trader signed it: by signer id (esign/signer-id.ts), never by names. */
const owns = (trader: TraderPrincipal, signerId: string | null | undefined) =>
  typeof signerId === 'string' && signerId === trader.id;

const declarationRoutes: FastifyPluginAsync<{
  operations: Operations;
  checkSignature: SignatureCheck;
}> = async (instance, { operations, checkSignature }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  /** The ledger's record, if the asker may see it (a trader sees only their own). */
  async function readable(request: FastifyRequest, id: string): Promise<DeclarationResult> {
    const p = request.principal;
    if (isSealOperator(p))
      throw new ApiError('FORBIDDEN', 'seal operators do not read declarations');
    const record = await app.contract.declaration.get(id);
    if (p?.kind === 'trader' && !owns(p, record.signature.signerId))
      throw new ApiError('NOT_FOUND', `declaration ${id} does not exist`);
    return record;
  }

  /** Checks the filing and that the trader signed it, before anything is queued. */
  async function verifiedFiling(
    request: FastifyRequest,
    trader: TraderPrincipal,
    body: z.infer<typeof Filing>,
  ) {
    try {
      const filing = parseFiling(body.declaration, body.commercial);
      const evidence = await checkSignature(
        canonicalBytes(filing),
        Buffer.from(body.signature, 'base64'),
        request.ip,
      );
      if (!owns(trader, evidence.signerId))
        throw new ApiError('FORBIDDEN', 'the filing must be signed with your own certificate');
      return filing;
    } catch (error) {
      // A filing the ledger would refuse is a bad request here; other ledger codes are
      // mapped by the error handler.
      if (error instanceof LedgerError && error.code === 'INVALID_ARGUMENT')
        throw new ApiError('VALIDATION_FAILED', error.detail);
      throw error;
    }
  }

  app.post(
    '/v1/declarations',
    {
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        tags: ['declarations'],
        summary: 'File a signed declaration (traders)',
        headers: IdempotencyHeaders,
        body: Filing,
        response: { 200: OperationResponse, 202: OperationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const trader = requireTrader(request);
      const filing = await verifiedFiling(request, trader, request.body);
      return acceptOperation(operations, request, reply, filingAct('FILE', filing, request.body));
    },
  );

  app.post(
    '/v1/declarations/:declarationId/amendments',
    {
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        tags: ['declarations'],
        summary: 'Amend one of your declarations with a newly signed filing (traders)',
        headers: IdempotencyHeaders,
        params: DeclarationId,
        body: Filing,
        response: { 200: OperationResponse, 202: OperationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const trader = requireTrader(request);
      const id = request.params.declarationId;
      await readable(request, id);
      const filing = await verifiedFiling(request, trader, request.body);
      if (filing.declaration.declarationId !== id)
        throw new ApiError(
          'VALIDATION_FAILED',
          'declaration.declarationId must be the one amended',
        );
      return acceptOperation(operations, request, reply, filingAct('AMEND', filing, request.body));
    },
  );

  app.get(
    '/v1/declarations',
    {
      schema: {
        tags: ['declarations'],
        summary: 'List declarations from the index, newest first (traders: their own)',
        querystring: z
          .object({
            state: z
              .string()
              .regex(/^[A-Z_]{3,32}$/)
              .optional(),
            jurisdiction: z.enum(['GD', 'HK']).optional(),
            onHold: z.enum(['true', 'false']).optional(),
            consignmentRef: z.string().max(35).optional(),
            q: z.string().min(1).max(64).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().max(200).optional(),
          })
          .strict(),
        response: {
          200: z.object({ items: z.array(Summary), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = request.principal;
      if (isSealOperator(p)) throw new ApiError('FORBIDDEN');
      const { onHold, ...rest } = request.query;
      const page = await app.declarationIndex.list({
        ...rest,
        ...(onHold ? { onHold: onHold === 'true' } : {}),
        ...(p?.kind === 'trader' ? { signerId: p.id } : {}),
      });
      if (!page) throw new ApiError('VALIDATION_FAILED', 'cursor is not one this API gave');
      return page;
    },
  );

  app.get(
    '/v1/declarations/:declarationId/summary',
    {
      schema: {
        tags: ['declarations'],
        summary: 'A declaration as the index has it (fast; may trail the ledger by a block)',
        params: DeclarationId,
        response: { 200: Summary, ...errorResponses },
      },
    },
    async (request) => {
      const p = request.principal;
      const found = await app.declarationIndex.summary(request.params.declarationId);
      if (!found || (p?.kind === 'trader' && !owns(p, found.signerId)) || isSealOperator(p))
        throw new ApiError(
          'NOT_FOUND',
          `declaration ${request.params.declarationId} is not indexed`,
        );
      return found.summary;
    },
  );

  app.get(
    '/v1/declarations/:declarationId',
    {
      schema: {
        tags: ['declarations'],
        summary: 'A declaration as the ledger has it (authoritative)',
        params: DeclarationId,
        response: { 200: DeclarationRecordSchema, ...errorResponses },
      },
    },
    async (request) => readable(request, request.params.declarationId),
  );

  app.get(
    '/v1/declarations/:declarationId/history',
    {
      schema: {
        tags: ['declarations'],
        summary: 'Who did what, when, in which transaction',
        params: DeclarationId,
        response: { 200: z.array(HistoryEntrySchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = request.principal;
      // Only a trader's access needs the record (whose it is): for officers GetHistory
      // answers NOT_FOUND itself, as it loads the record first. Seal operators get
      // FORBIDDEN from readable().
      if (p?.kind !== 'officer' || isSealOperator(p))
        await readable(request, request.params.declarationId);
      return app.contract.declaration.history(request.params.declarationId);
    },
  );

  app.post(
    '/v1/declarations/:declarationId/acts',
    {
      schema: {
        tags: ['declarations'],
        summary: 'An officer act: accept, reject, risk, inspection, release, close, hold, unhold',
        headers: IdempotencyHeaders,
        params: DeclarationId,
        body: Act,
        response: { 200: OperationResponse, 202: OperationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const officer = requireOfficer(request);
      const id = request.params.declarationId;
      const record = await readable(request, id);
      // The chaincode decides; asking first turns a certain refusal into an immediate 403.
      const actor = { mspId: officer.mspId, id: officer.id, role: officer.role };
      if (!isAllowed(request.body.action, record.jurisdiction, actor))
        throw new ApiError(
          'FORBIDDEN',
          `${officer.role} of ${officer.mspId} may not ${request.body.action} a ${record.jurisdiction} declaration`,
        );
      return acceptOperation(operations, request, reply, {
        kind: request.body.action,
        accountId: officer.id,
        ...invocations.officerAct(id, request.body),
        declarationId: id,
      });
    },
  );
};

export default declarationRoutes;
