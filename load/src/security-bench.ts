/**
 * What an unauthenticated sender can cost the gateway, measured on the devnet, PostgreSQL,
 * Redis and a gateway process in its default configuration (signature checks on worker
 * threads):
 *  - trader sign-ins carrying the worst bags of certificates (testkit worstBags, fresh
 *    certificates each run so no cache helps): the refusal's median time per bag, and
 *    /healthz latency (p50, p95, max) while they run, beside /healthz alone;
 *  - a flood of worst-bag sign-ins at once from many addresses: how many were refused at
 *    once (429, 503 BUSY) and /healthz meanwhile;
 *  - 1,000,000 readings from unknown devices (made-up ids, forged signatures, from 100
 *    addresses): the gateway's resident memory and heap before and after (its /metrics).
 *
 *   npm run bench:security -- [--runs 9] [--readings 1000000]
 * Written to load/results/security.json.
 */
import './quiet-logs';
import { worstBags } from '@clearance/testkit/chaincode';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { REPO_ROOT } from '@clearance/devnet';
import { startStack, type Stack } from './stack';
import { percentile, summary } from './stats';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

interface Answer {
  status: number;
  text: string;
  ms: number;
}

/** One request from a local address of our choosing (its own client address to the gateway). */
function request(
  base: string,
  from: string,
  method: string,
  pathname: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL(`${base}${pathname}`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        localAddress: from,
        agent: false,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - t0 }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * /healthz every `everyMs` until stopped: the latencies seen, probed from a thread of its own
 * so that the bench's own work (signing the bags) does not count as the gateway's.
 */
function healthProbe(base: string, everyMs = 20) {
  const worker = new Worker(
    `const http = require('node:http');
     const { parentPort, workerData } = require('node:worker_threads');
     const samples = [];
     let running = true;
     parentPort.on('message', () => (running = false));
     const probe = () => new Promise((resolve) => {
       const t0 = performance.now();
       http.get(workerData.url, { agent: false }, (res) => {
         res.resume();
         res.on('end', () => resolve(performance.now() - t0));
       }).on('error', () => resolve(Number.NaN));
     });
     (async () => {
       while (running) {
         samples.push(await probe());
         await new Promise((r) => setTimeout(r, workerData.everyMs));
       }
       parentPort.postMessage(samples);
     })();`,
    { eval: true, workerData: { url: `${base}/healthz`, everyMs } },
  );
  return {
    async stop() {
      const samples = new Promise<number[]>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const out = summary(await samples);
      await worker.terminate();
      return out;
    },
  };
}

/** A challenge from `from`, signed: the body of its sign-in, ready to send. */
async function signedChallenge(
  stack: Stack,
  from: string,
  sign: (c: Uint8Array) => Promise<Uint8Array>,
): Promise<string> {
  const issued = await request(stack.base, from, 'POST', '/v1/auth/challenge', '{}');
  const { challengeId, challenge } = JSON.parse(issued.text) as {
    challengeId: string;
    challenge: string;
  };
  const cms = await sign(Buffer.from(challenge, 'base64'));
  return JSON.stringify({ challengeId, signature: Buffer.from(cms).toString('base64') });
}

async function signIn(stack: Stack, from: string, sign: (c: Uint8Array) => Promise<Uint8Array>) {
  const body = await signedChallenge(stack, from, sign);
  return request(stack.base, from, 'POST', '/v1/auth/trader', body);
}

/** The gateway's /metrics as a gauge reader (prom-client resets its event-loop delay per scrape). */
async function gauges(stack: Stack): Promise<(name: string) => number> {
  const res = await request(
    stack.base,
    '127.0.0.1',
    'GET',
    '/metrics',
    undefined,
    stack.metricsHeaders,
  );
  return (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.text)?.[1] ?? Number.NaN);
}

async function memory(stack: Stack): Promise<{ rssMb: number; heapUsedMb: number }> {
  const value = await gauges(stack);
  const mb = (name: string) => Number((value(name) / 2 ** 20).toFixed(1));
  return {
    rssMb: mb('process_resident_memory_bytes'),
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
  };
}

/** The gateway's event-loop delay (max, p99, ms) since the last scrape. */
async function loopDelay(stack: Stack): Promise<{ maxMs: number; p99Ms: number }> {
  const value = await gauges(stack);
  return {
    maxMs: Number((value('nodejs_eventloop_lag_max_seconds') * 1000).toFixed(1)),
    p99Ms: Number((value('nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1)),
  };
}

async function main(): Promise<void> {
  // --runs 0: the readings only (e.g. with BENCH_GATEWAY_NODE_ARGS=--max-old-space-size=96).
  const runs = arg('--runs', 9);
  const readings = arg('--readings', 1_000_000);
  const log = (line: string) => console.log(`security: ${line}`);
  const stack = await startStack(log);
  const results: Record<string, unknown> = {};
  try {
    const listedName = 'CN=GD Test Issuing CA, O=Guangdong CA Test, C=CN';

    if (runs === 0) log('no worst-bag runs');
    log('/healthz alone, 5 s');
    const alone = healthProbe(stack.base);
    await new Promise((r) => setTimeout(r, 5000));
    const healthAlone = await alone.stop();

    log(`worst-bag sign-ins: ${runs} runs, fresh certificates each`);
    const times = new Map<string, { ms: number[]; answers: Set<string> }>();
    await loopDelay(stack); // starts its window
    const during = healthProbe(stack.base);
    for (let run = 0; run < runs; run++) {
      const bags = await worstBags(listedName);
      for (const [k, bag] of bags.entries()) {
        const answer = await signIn(stack, `127.0.${10 + run}.${k + 1}`, (c) => bag.sign(c));
        const entry = times.get(bag.label) ?? { ms: [], answers: new Set<string>() };
        entry.ms.push(answer.ms);
        const body = JSON.parse(answer.text) as { error?: { code: string; reason?: string } };
        entry.answers.add(`${answer.status} ${body.error?.reason ?? body.error?.code ?? ''}`);
        times.set(bag.label, entry);
      }
    }
    const healthDuring = await during.stop();
    const loopDuringBags = await loopDelay(stack);
    const bags = [...times].map(([label, e]) => ({
      bag: label,
      refusal_p50_ms: Number(percentile(e.ms, 50).toFixed(1)),
      refusal_max_ms: Number(percentile(e.ms, 100).toFixed(1)),
      answers: [...e.answers].join(', '),
    }));

    log('a flood: 60 worst-bag sign-ins at once from 60 addresses');
    const floodBags = runs > 0 ? await worstBags(listedName) : [];
    // Signed first, then sent all at once.
    const bodies: { from: string; body: string }[] = [];
    for (let i = 0; floodBags.length > 0 && i < 60; i++) {
      const from = `127.0.100.${i + 1}`;
      bodies.push({
        from,
        body: await signedChallenge(stack, from, (c) => floodBags[1 + (i % 5)]!.sign(c)),
      });
    }
    await loopDelay(stack); // starts its window
    const flooding = healthProbe(stack.base, 5);
    const flood = await Promise.all(
      bodies.map(({ from, body }) => request(stack.base, from, 'POST', '/v1/auth/trader', body)),
    );
    const healthFlood = await flooding.stop();
    const loopDuringFlood = await loopDelay(stack);
    const statuses: Record<string, number> = {};
    for (const a of flood) statuses[a.status] = (statuses[a.status] ?? 0) + 1;

    log(`${readings.toLocaleString('en')} readings from unknown devices`);
    const before = await memory(stack);
    const BATCH = 5000;
    const batches = Math.ceil(readings / BATCH);
    const started = performance.now();
    let next = 0;
    const answered: Record<string, number> = {};
    // Memory at each quarter: a plateau, not a slope, is what bounded caches look like.
    const quarters: { readings: number; rssMb: number; heapUsedMb: number }[] = [];
    let posted = 0;
    const post = async (worker: number) => {
      for (let b = next++; b < batches; b = next++) {
        const body = JSON.stringify({
          readings: Array.from({ length: BATCH }, (_, i) => ({
            reading: {
              deviceId: `ZZ-${b}-${i}-${randomBytes(3).toString('hex').toUpperCase()}`,
              counter: 1,
              time: new Date().toISOString(),
              position: { lat: 22.3, lon: 114.1 },
              speedKmh: 40,
              lock: 'SEALED',
              batteryPct: 90,
              event: 'POSITION',
            },
            signature: randomBytes(64).toString('base64'),
          })),
        });
        const answer = await request(
          stack.base,
          `127.0.200.${(b % 100) + 1}`,
          'POST',
          '/v1/seals/readings',
          body,
        );
        answered[answer.status] = (answered[answer.status] ?? 0) + 1;
        posted += BATCH;
        if (posted % (readings / 4) < BATCH && posted < readings)
          quarters.push({ readings: posted, ...(await memory(stack)) });
        if (worker === 0 && b % 40 === 0) log(`  ${b * BATCH} posted`);
      }
    };
    await Promise.all([0, 1, 2, 3].map(post));
    const seconds = (performance.now() - started) / 1000;
    // Idle a while: what is still used then is what the gateway keeps.
    await new Promise((r) => setTimeout(r, 10_000));
    const after = await memory(stack);

    Object.assign(results, {
      health_alone_ms: healthAlone,
      worst_bags: bags,
      health_during_bags_ms: healthDuring,
      event_loop_delay_during_bags: loopDuringBags,
      flood: { signIns: 60, statuses, health_ms: healthFlood, event_loop_delay: loopDuringFlood },
      unknown_devices: {
        readings,
        seconds: Number(seconds.toFixed(1)),
        answers: answered,
        before,
        quarters,
        after,
      },
    });
    console.log('\nworst-bag sign-ins (median of %d runs, ms; the gateway answer):', runs);
    for (const b of bags)
      console.log(
        `  ${b.bag.padEnd(52)} ${String(b.refusal_p50_ms).padStart(8)} ${String(b.refusal_max_ms).padStart(8)}  ${b.answers}`,
      );
    const fmt = (s: { p50: number; p95: number; max: number }) =>
      `p50 ${s.p50.toFixed(1)}  p95 ${s.p95.toFixed(1)}  max ${s.max.toFixed(1)}`;
    console.log(`/healthz alone            ${fmt(healthAlone)}`);
    console.log(
      `/healthz during the bags  ${fmt(healthDuring)}; event-loop delay max ${loopDuringBags.maxMs} p99 ${loopDuringBags.p99Ms}`,
    );
    console.log(
      `/healthz during the flood ${fmt(healthFlood)}; event-loop delay max ${loopDuringFlood.maxMs} p99 ${loopDuringFlood.p99Ms}; flood answers ${JSON.stringify(statuses)}`,
    );
    console.log(
      `unknown devices: ${readings} readings in ${seconds.toFixed(1)} s, answers ${JSON.stringify(answered)}; ` +
        `RSS ${before.rssMb} -> ${after.rssMb} MB, heap used ${before.heapUsedMb} -> ${after.heapUsedMb} MB`,
    );
    for (const q of [{ readings: 0, ...before }, ...quarters, { readings, ...after }])
      console.log(
        `  after ${String(q.readings).padStart(8)}: RSS ${q.rssMb} MB, heap used ${q.heapUsedMb} MB`,
      );
    const out = path.join(REPO_ROOT, 'load', 'results', 'security.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error('security bench failed:', error);
  process.exit(1);
});
