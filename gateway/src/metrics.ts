/** Prometheus metrics of this process, served at /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Ledger } from './ports/ledger';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpDuration = new Histogram({
  name: 'gateway_http_request_duration_seconds',
  help: 'HTTP request latency by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const operationsFinished = new Counter({
  name: 'gateway_operations_finished_total',
  help: 'Ledger operations that ended, by kind and outcome',
  labelNames: ['kind', 'state'] as const,
  registers: [registry],
});

export const indexLagSeconds = new Histogram({
  name: 'gateway_index_lag_seconds',
  help: 'Time from a transaction (its timestamp) to its event being in the index',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [registry],
});

export const readingsRejected = new Counter({
  name: 'gateway_readings_rejected_total',
  help: 'E-lock readings refused at ingestion, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const readingsAccepted = new Counter({
  name: 'gateway_readings_accepted_total',
  help: 'E-lock readings stored',
  registers: [registry],
});

export const operationRetries = new Counter({
  name: 'gateway_operation_retries_total',
  help: 'Attempts of ledger operations that failed and will be tried again, by error code',
  labelNames: ['code'] as const,
  registers: [registry],
});

export const endpointFailures = new Counter({
  name: 'gateway_fabric_endpoint_failures_total',
  help: 'Failed calls and block streams of the Fabric client, per peer and orderer',
  labelNames: ['endpoint', 'role', 'call'] as const,
  registers: [registry],
});

export const endpointRetries = new Counter({
  name: 'gateway_fabric_retries_total',
  help: 'Times the Fabric client left an endpoint for another (or a later attempt); a resend says why',
  labelNames: ['endpoint', 'role', 'call', 'reason'] as const,
  registers: [registry],
});

/**
 * Counts the endpoint failures and retries of a ledger's Fabric client; returns the
 * unsubscribe (a ledger without a client, the twin, has none to count).
 */
export function countEndpointEvents(ledger: Ledger): () => void {
  if (!ledger.onEndpointEvents) return () => undefined;
  return ledger.onEndpointEvents({
    failure: (e) => endpointFailures.inc({ endpoint: e.endpoint, role: e.role, call: e.call }),
    retry: (e) =>
      endpointRetries.inc({
        endpoint: e.endpoint,
        role: e.role,
        call: e.call,
        ...(e.reason ? { reason: e.reason } : {}),
      }),
  });
}

/** Gauges whose value is read when scraped (queue depth, index lag in blocks). */
export function gaugeFrom(name: string, help: string, read: () => Promise<number>): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing) registry.removeSingleMetric(name);
  return new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}
