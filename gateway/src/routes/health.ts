import type { FastifyPluginAsync } from 'fastify';

/** /healthz: the process is up. /readyz: the ledger answers (channel height from a peer). */
const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    try {
      const height = await app.ledger.channelHeight();
      return { status: 'ready', ledger: { channelHeight: height.toString() } };
    } catch (error) {
      request.log.warn({ err: error }, 'ledger not reachable');
      return reply.status(503).send({ status: 'not ready', ledger: { error: 'unreachable' } });
    }
  });
};

export default healthRoutes;
