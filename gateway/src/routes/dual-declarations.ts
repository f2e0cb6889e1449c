/**
 * Dual filings (一單兩報, docs/dual-declaration.md): a trader submits once and signs once at
 * the gateway of the side that receives it; that side records the submission and its half,
 * the other side's node files the other half from the ledger (dual/worker.ts). The pair is
 * read from the ledger: the submission and both halves, whichever exist yet.
 */
import { canonicalBytes, toHex } from '@clearance/core';
import {
  DeclarationRecordSchema,
  DualSubmissionSchema,
  ID_PATTERN,
  JURISDICTIONS,
  LedgerError,
  SubmissionRecordSchema,
  declarationOf,
  otherSide,
  parseDualSubmission,
  parseFiling,
  requireCommercialOf,
  sha256,
  type DeclarationResult,
  type Jurisdiction,
  type SubmissionRecord,
} from '@clearance/domain';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors';
import { IdempotencyHeaders, OperationResponse, errorResponses } from '../http/schemas';
import { invocations } from '../ports/contract';
import { ledgerRefusal } from '../ports/ledger';
import { acceptOperation, type Operations } from '../operations/submit';
import { isSealOperator, requireTrader } from '../plugins/auth';
import type { SignatureCheck } from '../trust-anchors';
import { CommercialDocument, FILING_AGENTS } from './declarations';

const Jurisdiction = z.enum(JURISDICTIONS);
const SubmissionId = z.object({ submissionId: z.string().regex(ID_PATTERN) });
const Commercial = CommercialDocument;
const Signature = z
  .base64()
  .max(64 * 1024)
  .meta({ description: 'Detached CMS over the RFC 8785 JSON of the submission' });
const DualAmendment = z
  .object({
    submission: DualSubmissionSchema,
    /** Each side's commercial values; the submission signs their salted SHA-256. */
    commercial: z.object({ GD: Commercial, HK: Commercial }).strict(),
    signature: Signature,
  })
  .strict()
  .meta({ id: 'DualAmendment' });
const DualFiling = DualAmendment.extend({
  /** The side that receives it (its customs' gateway records the submission). */
  receivedIn: Jurisdiction,
})
  .strict()
  .meta({ id: 'DualFiling' });

export const PairSchema = z
  .object({
    submission: SubmissionRecordSchema,
    /** Each half as its side recorded it; null while that side has not filed it yet. */
    halves: z.object({
      GD: DeclarationRecordSchema.nullable(),
      HK: DeclarationRecordSchema.nullable(),
    }),
  })
  .meta({ id: 'DualPair' });

/** Where this gateway keeps the values of the half its own node files later. */
export interface DualValues {
  put(
    submissionId: string,
    version: number,
    jurisdiction: Jurisdiction,
    json: string,
  ): Promise<void>;
}

const dualRoutes: FastifyPluginAsync<{
  operations: Operations;
  checkSignature: SignatureCheck;
  values: DualValues;
  /** The jurisdictions whose halves this gateway's node files (its worker's). */
  filesFor: readonly Jurisdiction[];
}> = async (instance, { operations, checkSignature, values, filesFor }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  /** The submission wherever it was received (NOT_FOUND if nowhere). */
  async function submissionOf(id: string): Promise<SubmissionRecord> {
    for (const j of JURISDICTIONS) {
      try {
        return await app.contract.declaration.submission(j, id);
      } catch (error) {
        if (ledgerRefusal(error) !== 'NOT_FOUND') throw error;
      }
    }
    throw new ApiError('NOT_FOUND', `submission ${id} does not exist`);
  }

  /** Checks the submission, both sides' values and that the trader signed it. */
  async function verified(request: FastifyRequest, body: z.infer<typeof DualAmendment>) {
    const trader = requireTrader(request);
    try {
      const submission = parseDualSubmission(body.submission);
      for (const j of JURISDICTIONS) {
        const filing = parseFiling(declarationOf(submission, j), body.commercial[j]);
        requireCommercialOf(submission, j, toHex(await sha256(canonicalBytes(filing.commercial))));
      }
      const evidence = await checkSignature(
        canonicalBytes(submission),
        Buffer.from(body.signature, 'base64'),
        request.ip,
      );
      if (evidence.signerId !== trader.id)
        throw new ApiError('FORBIDDEN', 'the submission must be signed with your own certificate');
      return submission;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'INVALID_ARGUMENT')
        throw new ApiError('VALIDATION_FAILED', error.detail);
      throw error;
    }
  }

  /** Keeps the values of the halves this gateway's node files (not the receiving side's). */
  async function keepValues(
    body: z.infer<typeof DualAmendment>,
    receivedIn: Jurisdiction,
    version: number,
  ) {
    for (const j of filesFor)
      if (j !== receivedIn)
        await values.put(
          body.submission.submissionId,
          version,
          j,
          JSON.stringify(body.commercial[j]),
        );
  }

  app.post(
    '/v1/dual-declarations',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['declarations'],
        summary: 'File one signed submission for both the HK and the GD declaration (traders)',
        headers: IdempotencyHeaders,
        body: DualFiling,
        response: { 200: OperationResponse, 202: OperationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const submission = await verified(request, request.body);
      const { receivedIn } = request.body;
      await keepValues(request.body, receivedIn, 1);
      return acceptOperation(operations, request, reply, {
        kind: 'FILE',
        accountId: FILING_AGENTS[receivedIn],
        ...invocations.dualFiling(
          'FILE',
          receivedIn,
          request.body.submission,
          request.body.signature,
          request.body.commercial[receivedIn],
          request.body.commercial[otherSide(receivedIn)],
        ),
        declarationId: submission.sides[receivedIn].declarationId,
      });
    },
  );

  app.post(
    '/v1/dual-declarations/:submissionId/amendments',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['declarations'],
        summary:
          'Amend a dual filing with a newly signed submission: shared data amends both halves (traders)',
        headers: IdempotencyHeaders,
        params: SubmissionId,
        body: DualAmendment,
        response: { 200: OperationResponse, 202: OperationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const submission = await verified(request, request.body);
      const id = request.params.submissionId;
      if (submission.submissionId !== id)
        throw new ApiError('VALIDATION_FAILED', 'submission.submissionId must be the one amended');
      const current = await submissionOf(id);
      if (current.signature.signerId !== requireTrader(request).id)
        throw new ApiError('NOT_FOUND', `submission ${id} does not exist`);
      const { receivedIn } = current;
      await keepValues(request.body, receivedIn, current.version + 1);
      return acceptOperation(operations, request, reply, {
        kind: 'AMEND',
        accountId: FILING_AGENTS[receivedIn],
        ...invocations.dualFiling(
          'AMEND',
          receivedIn,
          request.body.submission,
          request.body.signature,
          request.body.commercial[receivedIn],
          request.body.commercial[otherSide(receivedIn)],
        ),
        declarationId: submission.sides[receivedIn].declarationId,
      });
    },
  );

  app.get(
    '/v1/dual-declarations/:submissionId',
    {
      schema: {
        tags: ['declarations'],
        summary: 'A dual filing: the submission and both halves as each side recorded them',
        params: SubmissionId,
        response: { 200: PairSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = request.principal;
      if (isSealOperator(p))
        throw new ApiError('FORBIDDEN', 'seal operators do not read declarations');
      const id = request.params.submissionId;
      const submission = await submissionOf(id);
      if (p?.kind === 'trader' && submission.signature.signerId !== p.id)
        throw new ApiError('NOT_FOUND', `submission ${id} does not exist`);
      const half = async (j: Jurisdiction): Promise<DeclarationResult | null> =>
        app.contract.declaration
          .get(submission.submission.sides[j].declarationId)
          .catch((error: unknown) => {
            if (ledgerRefusal(error) === 'NOT_FOUND') return null;
            throw error;
          });
      return { submission, halves: { GD: await half('GD'), HK: await half('HK') } };
    },
  );
};

export default dualRoutes;
