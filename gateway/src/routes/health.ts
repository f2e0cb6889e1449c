import type { FastifyPluginAsync } from 'fastify';

/**
 * /healthz: the process is up. /readyz: every dependency answers — the ledger (channel
 * height from a peer), PostgreSQL and Redis when configured — with what failed named; what
 * still serves but is not whole (`degraded`: each such check tells why, e.g. poison events
 * in the index) named too, with 200 and status `degraded`; so are the peers and orderers
 * whose last call or probe got no answer in time (`ledger.down`: the gateway may still serve
 * without them, when the endorsement policies allow) and the peers that lag behind the
 * orderers or the gateway's own last commit (`ledger.lagging`: they endorse and answer reads
 * on an old state, and commits wait for them).
 */
const healthRoutes: FastifyPluginAsync<{
  checks: Record<string, () => Promise<unknown>>;
  degradations?: Record<string, () => Promise<string | undefined>>;
}> = async (app, { checks, degradations = {} }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const results: Record<string, unknown> = {};
    let ready = true;
    let ledger: Record<string, unknown>;
    try {
      const height = await app.ledger.channelHeight();
      ledger = { channelHeight: height.toString() };
    } catch (error) {
      request.log.warn({ err: error }, 'ledger not reachable');
      ledger = { error: 'unreachable' };
      ready = false;
    }
    const health = app.ledger.health?.();
    const down = health?.down ?? [];
    const lagging = health?.lagging ?? [];
    results.ledger = {
      ...ledger,
      ...(health?.ordererHeight === undefined
        ? {}
        : { ordererHeight: health.ordererHeight.toString() }),
      ...(down.length > 0
        ? {
            down: down.map((d) => ({
              endpoint: d.endpoint,
              role: d.role,
              since: new Date(d.since).toISOString(),
              reason: d.reason,
            })),
          }
        : {}),
      ...(lagging.length > 0
        ? {
            lagging: lagging.map((l) => ({
              endpoint: l.endpoint,
              height: l.height.toString(),
              behindBlocks: l.behindBlocks,
              behindSeconds: Math.round(l.behindMs / 100) / 10,
            })),
          }
        : {}),
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
    let degraded = down.length > 0 || lagging.length > 0;
    for (const [name, check] of Object.entries(degradations)) {
      try {
        const why = await check();
        results[name] = why === undefined ? { status: 'ok' } : { status: 'degraded', detail: why };
        degraded ||= why !== undefined;
      } catch (error) {
        request.log.warn({ err: error }, `${name} not reachable`);
        results[name] = { error: 'unreachable' };
        ready = false;
      }
    }
    const status = !ready ? 'not ready' : degraded ? 'degraded' : 'ready';
    return reply.status(ready ? 200 : 503).send({ status, ...results });
  });
};

export default healthRoutes;
