/**
 * Working with the network across hosts as its organisations do: each through its own
 * gateway over HTTP (reached at its host's address), and, for the ledger acts no route
 * makes (seal registration and accreditation, taps), a one-off process ON the acting
 * organisation's host, with that organisation's officer's key, which no other host can read.
 */
import { hostGateway, hostGatewaySecrets, requestJson, type HostsDevnet } from '@clearance/devnet';
import { signInTrader, type ChallengeSigner } from '@clearance/testkit/gateway';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** An HTTP request to a gateway, answered with its status and (JSON) body. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { status, body } = await requestJson(base, method, path, { ...options, timeoutMs: 90_000 });
  return { status, body };
}

/**
 * An act that runs as an operation, waited for (`Prefer: wait`); asked again with the same
 * Idempotency-Key while it is pending or the gateway answers 5xx. Resolves with the
 * operation (succeeded or failed).
 */
export async function operation(
  base: string,
  token: string,
  path: string,
  body: unknown,
  key: string = randomUUID(),
): Promise<{ state: string; result?: unknown; error?: { code: string } }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await call(base, 'POST', path, {
      token,
      body,
      headers: { 'idempotency-key': key, prefer: 'wait=30' },
    }).catch(() => ({ status: 0, body: undefined }));
    const op = answer.body?.operation;
    if ((answer.status === 200 || answer.status === 202) && op?.state !== 'pending') return op;
    if (answer.status >= 400 && answer.status < 500)
      throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    if (attempt >= 12) throw new Error(`${path}: no outcome after ${attempt} tries`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Signs an officer in at their organisation's gateway, with the password from its sheet. */
export async function officerToken(devnet: HostsDevnet, account: string): Promise<string> {
  const [organisation, username] = account.split('/') as [string, string];
  const password = hostGatewaySecrets(devnet, organisation).passwords[account];
  const answer = await call(hostGateway(devnet, organisation).url, 'POST', '/v1/auth/officer', {
    body: { organisation, username, password },
  });
  if (answer.status !== 200)
    throw new Error(`sign-in of ${account}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.token as string;
}

/** Runs a command on a host (its namespaces): exit status and output. */
export function onHost(
  devnet: HostsDevnet,
  host: string,
  command: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const via = devnet.via(host);
  return new Promise((resolve, reject) => {
    const child = spawn(via[0] as string, [...via.slice(1), ...command], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const SUBMIT = `
const { createFabricLedger, loadConfig } = require('@clearance/gateway');
const [file, transaction, args, mode] = process.argv.slice(1);
const ledger = createFabricLedger(loadConfig({ FABRIC_CONNECTION: file }).fabric);
const answer = (value) => ledger.close().then(() => { console.log(JSON.stringify(value)); process.exit(0); });
(mode === 'evaluate'
  ? ledger.evaluate(transaction, JSON.parse(args)).then((result) => ({ result: String(result) }))
  : ledger.submit(transaction, JSON.parse(args))
).then(
  (r) => answer({ ok: true, result: r.result }),
  (e) => answer({ ok: false, code: e.code, message: String(e.message) }),
);`;

/**
 * Submits (or evaluates, at its own peer) one transaction as `account` (`<org>/<name>`)
 * from that organisation's host, with its own key (readable there only). Resolves with the
 * result, or rejects with the ledger's code.
 */
export async function submitOnHost(
  devnet: HostsDevnet,
  account: string,
  transaction: string,
  args: string[],
  mode: 'submit' | 'evaluate' = 'submit',
): Promise<string> {
  const organisation = account.split('/')[0] as string;
  const { host } = hostGateway(devnet, organisation);
  for (let attempt = 1; ; attempt++) {
    const run = await onHost(devnet, host, [
      process.execPath,
      '-e',
      SUBMIT,
      devnet.connectionFile(account),
      transaction,
      JSON.stringify(args),
      mode,
    ]);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    let outcome: { ok: boolean; result?: string; code?: string; message?: string };
    try {
      outcome = JSON.parse(line);
    } catch {
      throw new Error(`${transaction} on ${host} failed: ${run.stderr.slice(-500)}`);
    }
    if (outcome.ok) return outcome.result ?? '';
    // Another organisation's peer may not have the block before this one yet.
    if (outcome.code === 'INVALID_STATE' && attempt < 10) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    throw Object.assign(new Error(`${transaction}: ${outcome.message}`), { code: outcome.code });
  }
}

/** One SQL query against a host's own PostgreSQL (the one its gateway uses), rows as text. */
export async function sqlOnHost(devnet: HostsDevnet, host: string, sql: string): Promise<string> {
  const { databaseUrl } = await devnet.services(host);
  const run = await onHost(devnet, host, [
    '/usr/lib/postgresql/15/bin/psql',
    databaseUrl,
    '-At',
    '-c',
    sql,
  ]);
  if (run.status !== 0) throw new Error(`psql on ${host}: ${run.stderr}`);
  return run.stdout;
}

/** Everything in a host's gateway database, as pg_dump writes it (data only). */
export async function dumpOnHost(devnet: HostsDevnet, host: string): Promise<string> {
  const { databaseUrl } = await devnet.services(host);
  const run = await onHost(devnet, host, [
    '/usr/lib/postgresql/15/bin/pg_dump',
    '--data-only',
    databaseUrl,
  ]);
  if (run.status !== 0) throw new Error(`pg_dump on ${host}: ${run.stderr}`);
  return run.stdout;
}

/** `index compare` on a host: its gateway's index against its own peer's ledger. */
export async function compareIndexOnHost(
  devnet: HostsDevnet,
  organisation: string,
): Promise<{ status: number | null; output: string }> {
  const { host } = hostGateway(devnet, organisation);
  const { databaseUrl } = await devnet.services(host);
  const run = await onHost(
    devnet,
    host,
    [process.execPath, 'gateway/dist/projection/cli.js', 'compare'],
    { DATABASE_URL: databaseUrl, FABRIC_CONNECTION: devnet.connectionFile(organisation) },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * What a gateway and its host say of why something is not there yet, for a failing test's
 * output: the gateway's /readyz (its peer's height, the orderers', who is down or lagging),
 * the index lag it reports, and the last lines of its log and of its peer's warnings.
 */
export async function whyOnHost(devnet: HostsDevnet, organisation: string): Promise<string> {
  const { url, host } = hostGateway(devnet, organisation);
  const ready = await call(url, 'GET', '/readyz').catch((e: unknown) => ({
    status: 0,
    body: String(e),
  }));
  const metrics = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${hostGatewaySecrets(devnet, organisation).metricsToken}` },
    signal: AbortSignal.timeout(5_000),
  })
    .then((r) => r.text())
    .catch((e: unknown) => String(e));
  const lag = metrics.split('\n').filter((l) => l.startsWith('gateway_index_lag_blocks'));
  const logs = devnet.hostPaths(host).logs;
  const tail = (file: string, lines: number, only?: RegExp) => {
    try {
      const all = fs.readFileSync(path.join(logs, file), 'utf8').split('\n');
      return (only ? all.filter((l) => only.test(l)) : all).slice(-lines).join('\n');
    } catch (error) {
      return String(error);
    }
  };
  return [
    `${organisation} /readyz ${ready.status}: ${JSON.stringify(ready.body)}`,
    `index lag: ${lag.join(' ') || '(no metric)'}`,
    `gateway.log:\n${tail('gateway.log', 8)}`,
    `peer.log warnings:\n${tail('peer.log', 8, /WARN|ERRO/)}`,
  ].join('\n');
}

/**
 * Signs a trader in at `organisation`'s gateway once that gateway knows the trader's
 * authority. An approval made at the other side's gateway reaches this one when its own
 * peer has the block, which on a loaded machine can be seconds later: until the authority
 * is ACTIVE in this gateway's GET /v1/trust-list, sign-in says ISSUER_UNKNOWN. Then its
 * trust anchors (refreshed on the index's TrustListChanged, else within 5 s) take it.
 */
export async function signInTraderWhenRecognised(
  devnet: HostsDevnet,
  organisation: string,
  signer: ChallengeSigner,
  authorityId: string,
): Promise<string> {
  const { url } = hostGateway(devnet, organisation);
  const token = await officerToken(devnet, `${organisation}/officer1`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const list = await call(url, 'GET', '/v1/trust-list', { token });
    const items: { authorityId: string; status: string }[] = list.body?.items ?? [];
    if (items.some((a) => a.authorityId === authorityId && a.status === 'ACTIVE')) break;
    if (Date.now() > deadline)
      throw new Error(`${authorityId} not in ${organisation}'s trust list after 60 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await signInTrader(url, signer);
    } catch (error) {
      // Only the anchors' cache may still trail (5 s at most): anything else is a failure.
      if (attempt >= 6 || !String(error).includes('ISSUER_UNKNOWN')) throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
