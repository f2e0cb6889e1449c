import { requireCheckpointAt } from '@clearance/domain';
import { SunError, checkTap, parseSunUrl, type TagKeys } from '@clearance/domain/node';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { ApiError, againOnConflict } from '../errors';
import { createContractClient } from '../ports/contract';
import { errorResponses } from '../http/schemas';
import type { Ledger } from '../ports/ledger';
import { readingsRejected } from '../metrics';
import { laneOf, requireOfficer } from '../plugins/auth';
import { pgTagCounterStore } from '../readings/tag-counters';

/**
 * Who may record a checkpoint check (the ledger's allow table says the same): officers, and
 * a lane device at its own control point.
 */
export const CHECKPOINT_ROLES = ['customs-officer', 'ciq-officer', 'lane-device'];

/** What the checkpoint agent posts: the control point and the tag's SUN URL. */
const Tap = z
  .object({
    controlPoint: z.string().regex(/^[A-Z]{3,8}$/),
    url: z.string().url().max(512),
    reader: z.string().max(128).optional(),
    at: z.iso.datetime().optional(),
  })
  .strict()
  .meta({ id: 'CheckpointTap' });

const Recorded = z
  .object({
    sealId: z.string(),
    tagUid: z.string(),
    counter: z.number().int(),
    transactionId: z.string(),
    blockNumber: z.string(),
  })
  .meta({ id: 'CheckpointRecorded' });

/**
 * An officer's or lane device's tap on a seal at a control point: the SUN message is
 * verified here with the tag's keys (which never leave the gateway), its counter must rise,
 * and the check is recorded on the ledger under the caller's own identity
 * (Seal:RecordCheckpoint) when `ledgers` gives it, else under the gateway's (never for a
 * lane device: its tap must carry its lane's certificate). A wrong MAC or a replay is
 * counted. A lane device elsewhere than its control point, a control point that does not
 * exist and one of the other side's jurisdiction are refused before the tag's counter is
 * used (the ledger refuses them too).
 */
const checkpointRoutes: FastifyPluginAsync<{
  pool: Pool;
  keys: TagKeys;
  ledgers?: ((accountId: string) => Promise<Ledger>) | undefined;
}> = async (instance, { pool, keys, ledgers }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const counters = pgTagCounterStore(pool);
  app.post(
    '/v1/seals/checks',
    {
      config: { lane: true },
      schema: {
        tags: ['seals'],
        summary: "A seal's NFC tag tapped at a control point (the checkpoint agent)",
        body: Tap,
        response: { 201: Recorded, ...errorResponses },
      },
    },
    async (request, reply) => {
      const officer = requireOfficer(request, CHECKPOINT_ROLES);
      const lane = laneOf(officer);
      if (lane !== undefined && (!ledgers || lane !== request.body.controlPoint))
        throw new ApiError(
          'FORBIDDEN',
          ledgers
            ? `the lane device of ${lane || '(no control point)'} may not act at ${request.body.controlPoint}`
            : 'a lane device acts only under its own identity, which this gateway does not hold',
        );
      // The ledger's rule of where taps are recorded (a control point that exists, of the
      // caller's side), checked before the tag's counter is used.
      requireCheckpointAt(
        { mspId: officer.mspId, id: officer.id, role: officer.role },
        request.body.controlPoint,
      );
      let tap;
      try {
        tap = await checkTap(parseSunUrl(request.body.url), keys, counters);
      } catch (error) {
        if (!(error instanceof SunError)) throw error;
        const replay = error.reason === 'REPLAY';
        readingsRejected.inc({ reason: replay ? 'NFC_REPLAY' : 'NFC_BAD_MAC' });
        throw replay
          ? new ApiError('REPLAYED', 'this tap carries a counter already seen: a copy or a replay')
          : new ApiError(
              'SIGNATURE_INVALID',
              `the tag's message does not verify (${error.reason})`,
            );
      }
      const { sealId } = await app.contract.seal.byTag(tap.uidHex);
      const contract = ledgers ? createContractClient(await ledgers(officer.id)) : app.contract;
      const { committed } = await againOnConflict(() =>
        contract.seal.recordCheckpoint(sealId, {
          controlPoint: request.body.controlPoint,
          tagUid: tap.uidHex,
          counter: tap.counter,
        }),
      );
      return reply.status(201).send({
        sealId,
        tagUid: tap.uidHex,
        counter: tap.counter,
        transactionId: committed.transactionId,
        blockNumber: committed.blockNumber.toString(),
      });
    },
  );
};

export default checkpointRoutes;
