/* global __ENV, open */
/**
 * E-lock reading ingestion (k6): batches of signed readings posted at a fixed arrival rate.
 * The gateway authenticates each reading by its device's key on the ledger, so the readings
 * must come from devices registered, accredited and sealed there, e.g.
 *
 *   node seal-devices/dist/fleet/cli.js --devices 20 --keys-dir keys/ > load/results/readings.jsonl
 *   (register and seal those devices: see load/src/readings-bench.ts)
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e READINGS_FILE=../results/readings.jsonl load/k6/readings.js
 *
 * A device's readings are accepted only in rising counter order: with several batches in
 * flight, order the file so each batch holds whole runs of a device's readings that no
 * other batch overlaps (or run with MAX_VUS=1).
 */
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:3000';
const BATCH = Number(__ENV.BATCH || 200);
const lines = open(__ENV.READINGS_FILE || '../results/readings.jsonl')
  .split('\n')
  .filter((l) => l.trim() !== '');

export const options = {
  scenarios: {
    ingest: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 10),
      timeUnit: '1s',
      // Each reading is accepted once (its counter must rise): stop when the file is used up.
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Math.min(20, Number(__ENV.MAX_VUS || 20)),
      maxVUs: Number(__ENV.MAX_VUS || 100),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500'],
    checks: ['rate>0.99'],
  },
};

export default function () {
  const start = exec.scenario.iterationInTest * BATCH;
  if (start >= lines.length) return;
  const body = `{"readings":[${lines.slice(start, start + BATCH).join(',')}]}`;
  const res = http.post(`${BASE}/v1/seals/readings`, body, {
    headers: { 'content-type': 'application/json' },
  });
  check(res, { 'batch accepted': (r) => r.status === 202 });
}
