import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { ApiError } from '../errors';
import type { Ledger } from '../ports/ledger';
import { countEndpointEvents, httpDuration, registry } from '../metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Request latency by route template, the Fabric client's endpoint failures and retries,
 * and the Prometheus scrape endpoint. Metrics tell an outsider what the gateway does and how
 * loaded it is, so /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (401
 * otherwise), and is not served at all without a token.
 */
export default fp<{ ledger: Ledger; token?: string | undefined }>(
  async (app, { ledger, token }) => {
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
    if (token === undefined) return;
    const expected = digest(`Bearer ${token}`);
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const given = digest(request.headers.authorization ?? '');
      if (!timingSafeEqual(given, expected))
        throw new ApiError('UNAUTHENTICATED', 'Send the metrics bearer token.');
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'metrics' },
);
