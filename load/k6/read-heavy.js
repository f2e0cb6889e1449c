/* global __ENV, open */
/**
 * Read-heavy queries (k6): lists with filters and pagination and summaries from the index,
 * and the authoritative record and history from the ledger, at a fixed arrival rate.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 load/k6/read-heavy.js
 *
 * Uses the trader token of load/results/k6-data.json (node load/dist/k6-data.js), after
 * clearance.js or the bench has filed declarations for that trader.
 */
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:3000';
const data = JSON.parse(open(__ENV.DATA_FILE || '../results/k6-data.json'));
const auth = { authorization: `Bearer ${data.traderToken}` };

export const options = {
  scenarios: {
    reads: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 200),
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{kind:summary}': ['p(50)<5', 'p(99)<10'],
    'http_req_duration{kind:list}': ['p(99)<50'],
    'http_req_duration{kind:ledger}': ['p(95)<200'],
  },
};

export function setup() {
  const res = http.get(`${BASE}/v1/declarations?limit=200`, { headers: auth });
  const ids = res.json('items').map((d) => d.declarationId);
  if (ids.length === 0) throw new Error('no declarations indexed for this trader: file some first');
  return { ids };
}

export default function ({ ids }) {
  const id = ids[Math.floor(Math.random() * ids.length)];
  const roll = Math.random();
  if (roll < 0.7) {
    const r = http.get(`${BASE}/v1/declarations/${id}/summary`, {
      headers: auth,
      tags: { kind: 'summary' },
    });
    check(r, { summary: (res) => res.status === 200 });
  } else if (roll < 0.9) {
    const first = http.get(`${BASE}/v1/declarations?state=SUBMITTED&limit=20`, {
      headers: auth,
      tags: { kind: 'list' },
    });
    check(first, { list: (res) => res.status === 200 });
    const cursor = first.json('nextCursor');
    if (cursor) {
      const next = http.get(
        `${BASE}/v1/declarations?state=SUBMITTED&limit=20&cursor=${encodeURIComponent(cursor)}`,
        {
          headers: auth,
          tags: { kind: 'list' },
        },
      );
      check(next, { 'next page': (res) => res.status === 200 });
    }
  } else {
    const record = http.get(`${BASE}/v1/declarations/${id}`, {
      headers: auth,
      tags: { kind: 'ledger' },
    });
    check(record, { record: (res) => res.status === 200 });
    const history = http.get(`${BASE}/v1/declarations/${id}/history`, {
      headers: auth,
      tags: { kind: 'ledger' },
    });
    check(history, { history: (res) => res.status === 200 });
  }
}
