/**
 * The boundary decision over HTTP. POST asks the ledger for GO or INSPECT (Crossing:Decide,
 * under the officer's or lane device's own identity when `ledgers` gives it) through a
 * durable operation, and answers once the decision is committed. The Idempotency-Key names the crossing on the ledger
 * (a hash of the caller and the key), so a retry, even one racing the first, is refused by
 * the chaincode as ALREADY_EXISTS and answered here with the crossing first recorded.
 * GET lists decisions from the index (the crossings table, kept by the projection from the
 * crossing events), by control point, declaration and time. A trader sees only the
 * crossings of seals covering a declaration they signed, and of their declarations only
 * their own; any other crossing is 404 for them. A lane device sees its control point's
 * crossings only; seal operators, who read no declarations, none.
 */
import {
  CROSSING_DIRECTIONS,
  CrossingRecordSchema,
  CrossingSummarySchema,
  INSPECTION_OUTCOMES,
  ID_PATTERN,
} from '@clearance/domain';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, againOnConflict } from '../errors';
import { errorResponses } from '../http/schemas';
import { createContractClient, invocations, type ContractClient } from '../ports/contract';
import { ledgerRefusal, type Ledger } from '../ports/ledger';
import type { OfficerPrincipal } from '../auth/principal';
import { commitAct, type Operations } from '../operations/submit';
import { isSealOperator, laneOf, requireOfficer } from '../plugins/auth';

/** Who may ask for a decision or record an inspection (the ledger's allow table decides). */
export const CROSSING_ROLES = ['customs-officer', 'lane-device'];
export const OUTCOME_ROLES = ['customs-officer', 'ciq-officer'];
const CONTROL_POINT = z.string().regex(/^[A-Z]{3,8}$/);
/** Attempts at recording an outcome that MVCC conflicts invalidated. */
const OUTCOME_TRIES = 3;

const CrossingRequest = z
  .object({
    sealId: z.string().regex(ID_PATTERN),
    controlPoint: CONTROL_POINT,
    direction: z.enum(CROSSING_DIRECTIONS),
  })
  .strict()
  .meta({ id: 'CrossingRequest' });

const CrossingHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, "_" or "-" (a UUID will do)')
    .optional()
    .meta({ description: 'Required: the same key again answers with the same crossing' }),
});

const CrossingAnswer = z
  .object({
    crossing: CrossingRecordSchema,
    transactionId: z.string(),
    /** False when this request repeated an earlier one (same Idempotency-Key). */
    created: z.boolean(),
  })
  .meta({ id: 'CrossingAnswer' });

const Outcome = z
  .object({ outcome: z.enum(INSPECTION_OUTCOMES), reason: z.string().max(512) })
  .strict()
  .meta({ id: 'CrossingOutcome' });

/** The ledger id of the crossing a caller's Idempotency-Key names. */
export function crossingIdFor(callerId: string, key: string): string {
  return `X-${createHash('sha256').update(`${callerId}\n${key}`).digest('hex').slice(0, 40)}`;
}

const crossingRoutes: FastifyPluginAsync<{
  ledgers?: ((accountId: string) => Promise<Ledger>) | undefined;
  operations?: Operations | undefined;
}> = async (instance, { ledgers, operations }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  /**
   * The ledger's crossing as the asker may see it: a trader's only over their declarations,
   * with only those; a lane device's only at its control point.
   */
  async function readable(request: FastifyRequest, crossingId: string) {
    const p = request.principal;
    if (isSealOperator(p)) throw new ApiError('FORBIDDEN', 'seal operators do not read crossings');
    const crossing = await app.contract.crossing.get(crossingId);
    const lane = laneOf(p);
    const missing = new ApiError('NOT_FOUND', `crossing ${crossingId} does not exist`);
    if (lane !== undefined && crossing.controlPoint !== lane) throw missing;
    if (p?.kind !== 'trader') return crossing;
    const mine = await app.declarationIndex.signedBy(
      crossing.declarations.map((d) => d.declarationId),
      p.id,
    );
    if (mine.size === 0) throw missing;
    const own = (ids: string[] | undefined) => ids?.filter((id) => mine.has(id));
    const outcome = crossing.inspection?.outcome;
    return {
      ...crossing,
      declarations: crossing.declarations.filter((d) => mine.has(d.declarationId)),
      // What the outcome held or unheld, of their declarations only.
      inspection: crossing.inspection && {
        ...crossing.inspection,
        outcome: outcome
          ? {
              ...outcome,
              heldDeclarations: own(outcome.heldDeclarations) ?? [],
              ...(outcome.unheldDeclarations
                ? { unheldDeclarations: own(outcome.unheldDeclarations) }
                : {}),
            }
          : null,
      },
    };
  }

  /**
   * The ledger under the caller's own identity; without per-officer ledgers, the gateway's
   * own, except for a lane device, whose decision must carry its lane's certificate.
   */
  async function contractOf(officer: OfficerPrincipal): Promise<ContractClient> {
    if (ledgers) return createContractClient(await ledgers(officer.id));
    if (laneOf(officer) !== undefined)
      throw new ApiError(
        'FORBIDDEN',
        'a lane device acts only under its own identity, which this gateway does not hold',
      );
    return app.contract;
  }

  app.post(
    '/v1/crossings',
    {
      config: { lane: true },
      schema: {
        tags: ['crossings'],
        summary: 'GO or INSPECT for a sealed truck at a control point, decided on the ledger',
        headers: CrossingHeaders,
        body: CrossingRequest,
        response: { 200: CrossingAnswer, 201: CrossingAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = requireOfficer(request, CROSSING_ROLES);
      const key = request.headers['idempotency-key'];
      if (!key) throw new ApiError('IDEMPOTENCY_KEY_REQUIRED');
      const crossingId = crossingIdFor(caller.id, key);
      const input = { crossingId, ...request.body };
      try {
        if (operations && ledgers) {
          // The one write path: stored as an operation before anything is sent, run by the
          // runner (MVCC conflicts endorsed again there), waited for here so the lane gets
          // its GO or INSPECT in the answer; a retry with the key finds the same operation.
          const done = await commitAct(operations, request, reply, {
            kind: 'CROSSING',
            accountId: caller.id,
            ...invocations.decideCrossing(input),
            idempotencyKey: key,
            resultSchema: CrossingRecordSchema,
          });
          return reply.status(done.created ? 201 : 200).send({
            crossing: done.result,
            transactionId: done.transactionId,
            created: done.created,
          });
        }
        // Synchronous only on a gateway without an operations queue (no Redis, as in unit
        // tests and the crossing bench): there is no store to run the act from.
        const contract = await contractOf(caller);
        const { committed, result } = await againOnConflict(() => contract.crossing.decide(input));
        return reply
          .status(201)
          .send({ crossing: result, transactionId: committed.transactionId, created: true });
      } catch (error) {
        // The operation's answer (an ApiError) or, without a queue, the ledger's refusal.
        const code = error instanceof ApiError ? error.code : ledgerRefusal(error);
        if (code !== 'ALREADY_EXISTS' && code !== 'CONFLICT') throw error;
        // A retry, or the twin of a request that raced it: the crossing first recorded.
        const existing = await app.contract.crossing.get(crossingId).catch(() => {
          throw error;
        });
        const same =
          existing.sealId === request.body.sealId &&
          existing.controlPoint === request.body.controlPoint &&
          existing.direction === request.body.direction;
        if (!same) throw new ApiError('IDEMPOTENCY_KEY_REUSED');
        return reply
          .status(200)
          .send({ crossing: existing, transactionId: existing.decided.txId, created: false });
      }
    },
  );

  app.get(
    '/v1/crossings',
    {
      config: { lane: true },
      schema: {
        tags: ['crossings'],
        summary:
          'Decisions from the index, oldest first, by control point, declaration and time; a trader sees those covering their declarations',
        querystring: z
          .object({
            controlPoint: CONTROL_POINT.optional(),
            declarationId: z.string().regex(ID_PATTERN).optional(),
            since: z.iso
              .datetime({ offset: true })
              .refine((v) => Date.parse(v) >= 0, 'a time from 1970 on')
              .optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
            cursor: z.string().max(200).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(CrossingSummarySchema),
            nextCursor: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = request.principal;
      if (isSealOperator(p))
        throw new ApiError('FORBIDDEN', 'seal operators do not read crossings');
      const { declarationId, since, limit, cursor } = request.query;
      const lane = laneOf(p);
      if (lane !== undefined && request.query.controlPoint && request.query.controlPoint !== lane)
        throw new ApiError('FORBIDDEN', `this lane device reads the crossings at ${lane} only`);
      const controlPoint = lane ?? request.query.controlPoint;
      if (p?.kind === 'trader' && declarationId) {
        // Asking by another trader's declaration: it does not exist for this one.
        const found = await app.declarationIndex.summary(declarationId);
        if (found?.signerId !== p.id)
          throw new ApiError('NOT_FOUND', `declaration ${declarationId} does not exist`);
      }
      const page = await app.crossingIndex.list({
        limit,
        ...(controlPoint !== undefined ? { controlPoint } : {}),
        ...(declarationId ? { declarationId } : {}),
        ...(since ? { since: new Date(since).toISOString() } : {}),
        ...(cursor ? { cursor } : {}),
        ...(p?.kind === 'trader' ? { signerId: p.id } : {}),
      });
      if (!page) throw new ApiError('VALIDATION_FAILED', 'cursor is not one this API gave');
      if (p?.kind !== 'trader') return page;
      // Of a shared crossing, a trader sees their own declarations only.
      const mine = await app.declarationIndex.signedBy(
        page.items.flatMap((c) => c.declarationIds),
        p.id,
      );
      return {
        ...page,
        items: page.items.map((c) => ({
          ...c,
          declarationIds: c.declarationIds.filter((id) => mine.has(id)),
        })),
      };
    },
  );

  app.get(
    '/v1/crossings/:crossingId',
    {
      config: { lane: true },
      schema: {
        tags: ['crossings'],
        summary: 'A crossing as the ledger has it: decision, reasons, draw, inspection',
        params: z.object({ crossingId: z.string().regex(ID_PATTERN) }),
        response: { 200: CrossingRecordSchema, ...errorResponses },
      },
    },
    async (request) => readable(request, request.params.crossingId),
  );

  app.post(
    '/v1/crossings/:crossingId/outcome',
    {
      schema: {
        tags: ['crossings'],
        summary: 'The outcome of the joint inspection an INSPECT opened (CLEARED or HOLD)',
        params: z.object({ crossingId: z.string().regex(ID_PATTERN) }),
        body: Outcome,
        response: { 200: CrossingAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const officer = requireOfficer(request, OUTCOME_ROLES);
      if (operations && ledgers) {
        // Through its operation like every act (the runner endorses again after a conflict);
        // no key is asked of the caller here, so each request is an act of its own.
        const done = await commitAct(operations, request, reply, {
          kind: 'CROSSING_OUTCOME',
          accountId: officer.id,
          ...invocations.recordCrossingOutcome(request.params.crossingId, request.body),
          idempotencyKey: `outcome-${randomUUID()}`,
          resultSchema: CrossingRecordSchema,
        });
        return { crossing: done.result, transactionId: done.transactionId, created: false };
      }
      // Synchronous only without an operations queue (see POST /v1/crossings).
      const contract = await contractOf(officer);
      // A conflict (readings anchored on the seal, a declaration changed, while this was
      // endorsed) recorded nothing: endorse again on the new state, a few times.
      for (let attempt = 1; ; attempt++) {
        try {
          const { committed, result } = await contract.crossing.recordOutcome(
            request.params.crossingId,
            request.body,
          );
          return { crossing: result, transactionId: committed.transactionId, created: false };
        } catch (error) {
          if (ledgerRefusal(error) !== 'CONFLICT' || attempt === OUTCOME_TRIES) throw error;
        }
      }
    },
  );
};

export default crossingRoutes;
