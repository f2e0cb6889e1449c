import { SunError, checkTap, parseSunUrl, type TagKeys } from '@clearance/seal-devices/domain';
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { ApiError } from '../errors';
import type { LedgerDirectory } from '../operations/runner';
import { requireOfficer } from '../plugins/auth';
import { pgTagCounterStore } from '../readings/tag-counters';

/** What the checkpoint agent posts: the control point and the tag's SUN URL. */
const Tap = z
  .object({
    controlPoint: z.string().regex(/^[A-Z]{3,8}$/),
    url: z.string().url().max(512),
    reader: z.string().max(128).optional(),
    at: z.iso.datetime().optional(),
  })
  .strict();

/**
 * An officer's tap on a seal at a control point: the SUN message is verified here with the
 * tag's keys (which never leave the gateway), its counter must rise, and the check is
 * recorded on the ledger under the signed-in officer's own identity (Seal:RecordCheckpoint).
 */
const checkpointRoutes: FastifyPluginAsync<{
  pool: Pool;
  keys: TagKeys;
  ledgers?: LedgerDirectory | undefined;
}> = async (app, { pool, keys, ledgers }) => {
  const counters = pgTagCounterStore(pool);
  app.post('/v1/seals/checks', async (request, reply) => {
    const officer = requireOfficer(request, ['customs-officer', 'ciq-officer']);
    const body = Tap.safeParse(request.body);
    if (!body.success)
      throw new ApiError('VALIDATION_FAILED', 'body must be { sealId, controlPoint, url }');
    let tap;
    try {
      tap = await checkTap(parseSunUrl(body.data.url), keys, counters);
    } catch (error) {
      if (!(error instanceof SunError)) throw error;
      throw error.reason === 'REPLAY'
        ? new ApiError('REPLAYED', 'this tap carries a counter already seen: a copy or a replay')
        : new ApiError('SIGNATURE_INVALID', `the tag's message does not verify (${error.reason})`);
    }
    const { sealId } = JSON.parse(await app.ledger.evaluate('Seal:GetSealByTag', [tap.uidHex])) as {
      sealId: string;
    };
    const ledger = ledgers ? await ledgers(officer.id) : app.ledger;
    const committed = await ledger.submit('Seal:RecordCheckpoint', [
      sealId,
      JSON.stringify({
        controlPoint: body.data.controlPoint,
        tagUid: tap.uidHex,
        counter: tap.counter,
      }),
    ]);
    return reply.status(201).send({
      sealId,
      tagUid: tap.uidHex,
      counter: tap.counter,
      transactionId: committed.transactionId,
      blockNumber: committed.blockNumber.toString(),
    });
  });
};

export default checkpointRoutes;
