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
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { REPO_ROOT } from '@clearance/network';
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

/** /healthz every `everyMs` until stopped: the latencies seen. */
function healthProbe(base: string, everyMs = 20) {
  const samples: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const answer = await request(base, '127.0.0.1', 'GET', '/healthz');
      samples.push(answer.ms);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return summary(samples);
    },
  };
}

async function signIn(stack: Stack, from: string, sign: (c: Uint8Array) => Promise<Uint8Array>) {
  const issued = await request(stack.base, from, 'POST', '/v1/auth/challenge', '{}');
  const { challengeId, challenge } = JSON.parse(issued.text) as {
    challengeId: string;
    challenge: string;
  };
  const cms = await sign(Buffer.from(challenge, 'base64'));
  return request(
    stack.base,
    from,
    'POST',
    '/v1/auth/trader',
    JSON.stringify({ challengeId, signature: Buffer.from(cms).toString('base64') }),
  );
}

async function memory(stack: Stack): Promise<{ rssMb: number; heapUsedMb: number }> {
  const res = await request(
    stack.base,
    '127.0.0.1',
    'GET',
    '/metrics',
    undefined,
    stack.metricsHeaders,
  );
  const value = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.text)?.[1] ?? Number.NaN) / 2 ** 20;
  return {
    rssMb: Number(value('process_resident_memory_bytes').toFixed(1)),
    heapUsedMb: Number(value('nodejs_heap_size_used_bytes').toFixed(1)),
  };
}

async function main(): Promise<void> {
  const runs = arg('--runs', 9);
  const readings = arg('--readings', 1_000_000);
  const log = (line: string) => console.log(`security: ${line}`);
  const stack = await startStack(log);
  const results: Record<string, unknown> = {};
  try {
    const listedName = 'CN=GD Test Issuing CA, O=Guangdong CA Test, C=CN';

    log('/healthz alone, 5 s');
    const alone = healthProbe(stack.base);
    await new Promise((r) => setTimeout(r, 5000));
    const healthAlone = await alone.stop();

    log(`worst-bag sign-ins: ${runs} runs, fresh certificates each`);
    const times = new Map<string, { ms: number[]; answers: Set<string> }>();
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
    const bags = [...times].map(([label, e]) => ({
      bag: label,
      refusal_p50_ms: Number(percentile(e.ms, 50).toFixed(1)),
      refusal_max_ms: Number(percentile(e.ms, 100).toFixed(1)),
      answers: [...e.answers].join(', '),
    }));

    log('a flood: 60 worst-bag sign-ins at once from 60 addresses');
    const floodBags = await worstBags(listedName);
    const flooding = healthProbe(stack.base, 5);
    const flood = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        signIn(stack, `127.0.100.${i + 1}`, (c) => floodBags[1 + (i % 5)]!.sign(c)),
      ),
    );
    const healthFlood = await flooding.stop();
    const statuses: Record<string, number> = {};
    for (const a of flood) statuses[a.status] = (statuses[a.status] ?? 0) + 1;

    log(`${readings.toLocaleString('en')} readings from unknown devices`);
    const before = await memory(stack);
    const BATCH = 5000;
    const batches = Math.ceil(readings / BATCH);
    const started = performance.now();
    let next = 0;
    const answered: Record<string, number> = {};
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
        if (worker === 0 && b % 40 === 0) log(`  ${b * BATCH} posted`);
      }
    };
    await Promise.all([0, 1, 2, 3].map(post));
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const after = await memory(stack);

    Object.assign(results, {
      health_alone_ms: healthAlone,
      worst_bags: bags,
      health_during_bags_ms: healthDuring,
      flood: { signIns: 60, statuses, health_ms: healthFlood },
      unknown_devices: {
        readings,
        seconds: Number(seconds.toFixed(1)),
        answers: answered,
        before,
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
    console.log(`/healthz during the bags  ${fmt(healthDuring)}`);
    console.log(
      `/healthz during the flood ${fmt(healthFlood)}; flood answers ${JSON.stringify(statuses)}`,
    );
    console.log(
      `unknown devices: ${readings} readings in ${seconds.toFixed(1)} s, answers ${JSON.stringify(answered)}; ` +
        `RSS ${before.rssMb} -> ${after.rssMb} MB, heap used ${before.heapUsedMb} -> ${after.heapUsedMb} MB`,
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
