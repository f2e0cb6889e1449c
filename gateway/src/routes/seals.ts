/**
 * Seals to follow: the list from the index, a seal as the ledger has it with its last
 * reading, and its track (readings from PostgreSQL; checkpoints and alarms from the
 * ledger). Officers of every organisation, e-lock operators included, see every seal; a
 * trader sees the seals covering a declaration they signed, with only their own
 * declarations named (another trader's on a shared seal is left out, as the crossing
 * routes do), and gets 404 for any other (as for declarations: what they may not see does
 * not exist for them); a lane device sees only seals whose route crosses its control point.
 */
import { ID_PATTERN, ROUTES, type SealResult } from '@clearance/domain';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors';
import { ledgerRefusal } from '../ports/ledger';
import { SealPage, SealTrack, SealView, errorResponses } from '../http/schemas';
import { laneOf } from '../plugins/auth';

const SealId = z.object({ sealId: z.string().regex(ID_PATTERN) });

const sealRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  /** The ledger's seal record, if the asker may see it (else NOT_FOUND). */
  const readable = async (request: FastifyRequest, sealId: string): Promise<SealResult> => {
    let seal: SealResult;
    try {
      seal = await app.contract.seal.get(sealId);
    } catch (error) {
      if (ledgerRefusal(error) === 'NOT_FOUND')
        throw new ApiError('NOT_FOUND', `seal ${sealId} does not exist`);
      throw error;
    }
    const p = request.principal;
    const missing = new ApiError('NOT_FOUND', `seal ${sealId} does not exist`);
    const lane = laneOf(p);
    if (lane !== undefined && !(ROUTES[seal.routeId] ?? []).includes(lane)) throw missing;
    if (p?.kind !== 'trader') return seal;
    const mine = await app.declarationIndex.signedBy(seal.declarationIds, p.id);
    if (mine.size === 0) throw missing;
    return {
      ...seal,
      declarationIds: seal.declarationIds.filter((id) => mine.has(id)),
      alarms: seal.alarms.map((a) => ({
        ...a,
        heldDeclarations: a.heldDeclarations.filter((id) => mine.has(id)),
      })),
    };
  };

  app.get(
    '/v1/seals',
    {
      schema: {
        tags: ['seals'],
        summary: 'Seals the index knows, by id; a trader sees those covering their declarations',
        querystring: z
          .object({
            state: z.enum(['APPLIED', 'REMOVED']).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
            cursor: z.string().regex(ID_PATTERN).optional(),
          })
          .strict(),
        response: {
          200: SealPage,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = request.principal;
      const page = await app.sealIndex.list({
        limit: request.query.limit,
        ...(request.query.state ? { state: request.query.state } : {}),
        ...(request.query.cursor ? { after: request.query.cursor } : {}),
        ...(p?.kind === 'trader' ? { signerId: p.id } : {}),
      });
      if (p?.kind !== 'trader') return page;
      // Of a shared seal, a trader sees their own declarations only.
      const mine = await app.declarationIndex.signedBy(
        page.items.flatMap((s) => s.declarationIds),
        p.id,
      );
      return {
        ...page,
        items: page.items.map((s) => ({
          ...s,
          declarationIds: s.declarationIds.filter((id) => mine.has(id)),
        })),
      };
    },
  );

  app.get(
    '/v1/seals/:sealId',
    {
      // A lane device opens a seal's track from its lane view.
      config: { lane: true },
      schema: {
        tags: ['seals'],
        summary: 'A seal as the ledger has it, with its last reading',
        params: SealId,
        response: { 200: SealView, ...errorResponses },
      },
    },
    async (request) => {
      const seal = await readable(request, request.params.sealId);
      const state = await app.sealIndex.readingsState(seal.sealId);
      return {
        seal,
        lastReading: state.lastReading,
        readingsStored: state.stored,
        readingsPendingAnchor: state.pendingAnchor,
      };
    },
  );

  app.get(
    '/v1/seals/:sealId/track',
    {
      // A lane device opens a seal's track from its lane view.
      config: { lane: true },
      schema: {
        tags: ['seals'],
        summary: "A seal's track: readings in counter order, checkpoint checks and alarms",
        params: SealId,
        querystring: z
          .object({
            after: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(5000).default(1000),
          })
          .strict(),
        response: { 200: SealTrack, ...errorResponses },
      },
    },
    async (request) => {
      const seal = await readable(request, request.params.sealId);
      const { after, limit } = request.query;
      const points = await app.sealIndex.track(seal.sealId, after, limit);
      return {
        sealId: seal.sealId,
        routeId: seal.routeId,
        points,
        nextAfter: points.length === limit ? (points[points.length - 1]?.counter ?? null) : null,
        checkpoints: seal.checkpoints,
        alarms: seal.alarms,
      };
    },
  );
};

export default sealRoutes;
