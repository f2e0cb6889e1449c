/* global __ENV, open */
/**
 * Clearance life cycle (k6): traders file signed declarations at a fixed arrival rate,
 * `Prefer: wait=30` answering once committed; a GD officer then accepts, assesses the risk
 * and marks each one release-eligible; the trader reads the summary from the index.
 *
 *   node load/dist/k6-data.js --base http://127.0.0.1:3000 --filings 3000
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e OFFICER_PASSWORD=... load/k6/clearance.js
 *
 * k6-data.js puts a test CA on the trust list, signs the trader in and signs the filings
 * (k6 cannot make CMS signatures); the officer account gdcustoms/officer1 must exist.
 */
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:3000';
const data = JSON.parse(open(__ENV.DATA_FILE || '../results/k6-data.json'));
const RATE = Number(__ENV.RATE || 20);

export const options = {
  scenarios: {
    clearance: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 50,
      maxVUs: 400,
    },
  },
  thresholds: {
    'http_req_failed{kind:file}': ['rate<0.01'],
    'http_req_duration{kind:file}': ['p(95)<3000'],
    'http_req_duration{kind:act}': ['p(95)<3000'],
    'http_req_duration{kind:summary}': ['p(99)<10'],
    checks: ['rate>0.99'],
  },
};

export function setup() {
  const res = http.post(
    `${BASE}/v1/auth/officer`,
    JSON.stringify({
      organisation: 'gdcustoms',
      username: __ENV.OFFICER_USERNAME || 'officer1',
      password: __ENV.OFFICER_PASSWORD,
    }),
    { headers: { 'content-type': 'application/json' } },
  );
  check(res, { 'officer signed in': (r) => r.status === 200 });
  return { officerToken: res.json('token') };
}

const headers = (token, kind) => ({
  headers: {
    'content-type': 'application/json',
    authorization: `Bearer ${token}`,
    'idempotency-key': `k6-${exec.scenario.iterationInTest}-${kind}-${Date.now()}`,
    prefer: 'wait=30',
  },
  tags: { kind: kind === 'file' ? 'file' : 'act' },
});

export default function (setupData) {
  const filing = data.filings[exec.scenario.iterationInTest % data.filings.length];
  const id = JSON.parse(filing).declaration.declarationId;
  const filed = http.post(`${BASE}/v1/declarations`, filing, headers(data.traderToken, 'file'));
  if (!check(filed, { 'filed and committed': (r) => r.json('operation.state') === 'succeeded' }))
    return;
  for (const act of [
    { action: 'ACCEPT', reason: 'complete' },
    { action: 'ASSESS_RISK', level: 'LOW', score: 10, reason: '' },
    { action: 'MARK_RELEASE_ELIGIBLE', reason: '' },
  ]) {
    const res = http.post(
      `${BASE}/v1/declarations/${id}/acts`,
      JSON.stringify(act),
      headers(setupData.officerToken, act.action),
    );
    if (
      !check(res, { [`${act.action} committed`]: (r) => r.json('operation.state') === 'succeeded' })
    )
      return;
  }
  const summary = http.get(`${BASE}/v1/declarations/${id}/summary`, {
    headers: { authorization: `Bearer ${data.traderToken}` },
    tags: { kind: 'summary' },
  });
  check(summary, { 'summary from the index': (r) => r.status === 200 || r.status === 404 });
}
