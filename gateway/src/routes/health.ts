import type { FastifyPluginAsync } from 'fastify';

/**
 * /healthz: the process is up. /readyz: every dependency answers — the ledger (channel
 * height from a peer), PostgreSQL and Redis when configured — with what failed named.
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
