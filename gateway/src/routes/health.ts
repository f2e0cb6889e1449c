import type { FastifyPluginAsync } from 'fastify';
import { endpointsDown } from '../ledger/fabric-health';

/**
 * /healthz: the process is up. /readyz: every dependency answers — the ledger (channel
 * height from a peer), PostgreSQL and Redis when configured — with what failed named, and
 * the peers and orderers whose last call failed (`ledger.down`: the gateway may still be
 * ready without them, when the endorsement policies allow).
 */
const healthRoutes: FastifyPluginAsync<{ checks: Record<string, () => Promise<unknown>> }> = async (
  app,
  { checks },
) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const results: Record<string, unknown> = {};
    let ready = true;
    try {
      const height = await app.ledger.channelHeight();
      results.ledger = { channelHeight: height.toString() };
    } catch (error) {
      request.log.warn({ err: error }, 'ledger not reachable');
      results.ledger = { error: 'unreachable' };
      ready = false;
    }
    const down = endpointsDown();
    if (down.length > 0)
      results.ledger = {
        ...(results.ledger as object),
        down: down.map((d) => ({
          endpoint: d.endpoint,
          role: d.role,
          since: new Date(d.since).toISOString(),
        })),
      };
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
        results[name] = { status: 'ok' };
      } catch (error) {
        request.log.warn({ err: error }, `${name} not reachable`);
        results[name] = { error: 'unreachable' };
        ready = false;
      }
    }
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', ...results });
  });
};

export default healthRoutes;
