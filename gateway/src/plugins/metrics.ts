import fp from 'fastify-plugin';
import type { Ledger } from '../ledger/ledger';
import { countEndpointEvents, httpDuration, registry } from '../metrics';

/**
 * Request latency by route template, the Fabric client's endpoint failures and retries,
 * and the Prometheus scrape endpoint.
 */
export default fp<{ ledger: Ledger }>(
  async (app, { ledger }) => {
    // The gateway's own ledger: its client is the one the officers' ledgers share.
    const stopCounting = countEndpointEvents(ledger);
    app.addHook('onClose', async () => stopCounting());
    app.addHook('onResponse', async (request, reply) => {
      httpDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unknown',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  },
  { name: 'metrics' },
);
