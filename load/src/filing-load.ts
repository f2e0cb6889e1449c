/**
 * A steady filing load through the gateway, as a client sends it: signed GD filings, each
 * POSTed at its intended time (open model: the rate does not slow down when answers do)
 * with an Idempotency-Key and `Prefer: wait=30`, and sent again with the same key 500 ms
 * after an answer that is not 2xx (or none), for up to two minutes.
 */
import { canonicalBytes } from '@clearance/core';
import { sampleFiling, type TestPki } from '@clearance/testkit/chaincode';
import { randomUUID } from 'node:crypto';

export interface Filing {
  id: string;
  key: string;
  body: string;
  /** Intended send time (ms since the epoch). */
  start: number;
  /** HTTP status of the last answer, undefined when none came. */
  status?: number;
  /** Answers that were not 2xx, or none: the client sent it again (same key). */
  resent: number;
  /** Latency of a 200 answer (committed), ms. */
  answeredMs?: number;
  operationId?: string;
}

/** `n` GD filings `<prefix>-<i>` signed by the GD test trader. */
export async function signFilings(pki: TestPki, prefix: string, n: number): Promise<Filing[]> {
  const out: Filing[] = [];
  for (let i = 0; i < n; i++) {
    const filing = sampleFiling(`${prefix}-${i}`);
    const cms = await pki.signers.gdTrader.sign(canonicalBytes(filing));
    const body = JSON.stringify({ ...filing, signature: Buffer.from(cms).toString('base64') });
    out.push({
      id: filing.declaration.declarationId,
      key: randomUUID(),
      body,
      start: 0,
      resent: 0,
    });
  }
  return out;
}

/** Where to send: the gateway's base URL and a trader's bearer token. */
export interface Target {
  base: string;
  token: string;
}

export async function postFiling(target: Target, f: Filing, wait: number) {
  const res = await fetch(`${target.base}/v1/declarations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${target.token}`,
      'idempotency-key': f.key,
      prefer: `wait=${wait}`,
    },
    body: f.body,
    signal: AbortSignal.timeout((wait + 10) * 1000),
  });
  const body = (await res.json()) as { operation?: { operationId: string; state: string } };
  return { status: res.status, operation: body.operation };
}

const RESEND_MS = 120_000;

/** One filing as a client sends it: again with the same key while the answer is not 2xx. */
async function file(target: Target, f: Filing): Promise<void> {
  for (;;) {
    const res = await postFiling(target, f, 30).catch(() => undefined);
    f.status = res?.status;
    if (res && res.status < 300) {
      f.operationId = res.operation?.operationId;
      if (res.status === 200 && res.operation?.state === 'succeeded')
        f.answeredMs = Date.now() - f.start;
      return;
    }
    if (Date.now() - f.start > RESEND_MS) return;
    f.resent++;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Sends the filings at `rate` per second from `t0` (open model); resolves when all answered. */
export async function sendFilings(
  target: Target,
  filings: Filing[],
  t0: number,
  rate: number,
): Promise<void> {
  const inFlight: Promise<void>[] = [];
  for (const [i, f] of filings.entries()) {
    f.start = t0 + (i * 1000) / rate;
    const wait = f.start - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(file(target, f));
  }
  await Promise.all(inFlight);
}
