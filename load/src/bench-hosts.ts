/**
 * `npm run bench -- --hosts`: the same filing bench across hosts, with the border's latency
 * on. The launcher brings the hosts network and every organisation's gateway up, signs
 * HK customs' trust administrator in at HK customs' gateway (a session token, not a key),
 * then runs the bench ON GD customs' host (`--on-host`), where GD customs' keys are readable
 * and the peers' names resolve: the direct client endorses across the border like the
 * gateway does, the gateway is GD customs' own, the index its own PostgreSQL. A new GD test
 * authority is proposed at GD customs' gateway and approved at HK customs' (by name, through
 * the border proxy). Figures in load/results/latest-hosts.json; printed beside
 * load/results/latest.json (the one-host run) when it exists.
 */
import { addAuthorityChange, createTestPki } from '@clearance/testkit/chaincode';
import { signInTrader } from '@clearance/testkit/gateway';
import { TrustProposalRecordSchema } from '@clearance/domain';
import { loadConfig, type FabricConnection } from '@clearance/gateway';
import {
  HostsDevnet,
  REPO_ROOT,
  hostGateway,
  hostGatewaySecrets,
  startHostGateways,
} from '@clearance/devnet';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool } from 'pg';
import type { Stack } from './stack';

/** What the bench needs of where it runs (one host's stack, or GD customs' host). */
export type BenchTarget = Pick<
  Stack,
  'base' | 'pool' | 'pki' | 'traderToken' | 'metricsHeaders' | 'connection' | 'stop'
>;

/** What the launcher hands the bench on GD customs' host (environment, JSON). */
interface OnHost {
  /** GD customs' gateway as seen on its host, and the HK gateway by name. */
  base: string;
  hkBase: string;
  hkTrustToken: string;
  databaseUrl: string;
  connections: string;
  hostRoot: string;
}

async function signInOfficer(base: string, account: string, password: string): Promise<string> {
  const [organisation, username] = account.split('/');
  const res = await fetch(`${base}/v1/auth/officer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organisation, username, password }),
  });
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error(`sign-in of ${account}: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** A trust-list act through a gateway, waited for; the operation's result. */
async function trustAct(base: string, token: string, url: string, body: unknown) {
  const key = randomUUID();
  for (let attempt = 1; attempt <= 20; attempt++) {
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': key,
        prefer: 'wait=30',
      },
      body: JSON.stringify(body),
    });
    const { operation } = (await res.json()) as {
      operation?: { state: string; result?: unknown; error?: { code: string } };
    };
    if (operation?.state === 'succeeded') return operation.result;
    // The other side's peer may not have the proposal's block yet.
    if (operation?.state === 'failed' && operation.error?.code !== 'NOT_FOUND')
      throw new Error(`${url}: ${JSON.stringify(operation.error)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url}: no outcome`);
}

/** On GD customs' host: the bench's target, a GD trader whose authority both sides listed. */
export async function hostsTarget(log: (line: string) => void): Promise<BenchTarget> {
  const input = JSON.parse(process.env.BENCH_ON_HOST ?? '{}') as OnHost;
  const secrets = JSON.parse(
    fs.readFileSync(path.join(input.hostRoot, 'gateway', 'secrets.json'), 'utf8'),
  ) as { passwords: Record<string, string>; metricsToken: string };
  const pki = await createTestPki({ idSuffix: `HB${randomUUID().slice(0, 4).toUpperCase()}` });
  const gdTrust = await signInOfficer(
    input.base,
    'gdcustoms/trust-admin',
    secrets.passwords['gdcustoms/trust-admin'] as string,
  );
  const proposed = TrustProposalRecordSchema.parse(
    await trustAct(
      input.base,
      gdTrust,
      '/v1/trust-list/proposals',
      JSON.parse(addAuthorityChange(pki.gd)),
    ),
  );
  await trustAct(
    input.hkBase,
    input.hkTrustToken,
    `/v1/trust-list/proposals/${proposed.proposalId}/approval`,
    { reason: 'bench' },
  );
  log(`trust list: ${pki.gd.authorityId} proposed at GD customs' gateway, approved at HK's`);
  // GD customs' gateway must see the approval on its own peer before the trader signs in.
  let traderToken = '';
  for (let attempt = 1; !traderToken; attempt++) {
    traderToken = await signInTrader(input.base, pki.signers.gdTrader).catch((e: unknown) => {
      if (attempt >= 20) throw e;
      return '';
    });
    if (!traderToken) await new Promise((r) => setTimeout(r, 500));
  }
  const pool = new Pool({ connectionString: input.databaseUrl, max: 4 });
  return {
    base: input.base,
    pool,
    pki,
    traderToken,
    metricsHeaders: { authorization: `Bearer ${secrets.metricsToken}` },
    connection: (who: string): FabricConnection =>
      loadConfig({ FABRIC_CONNECTION: path.join(input.connections, `${who}.json`) }).fabric,
    stop: () => pool.end(),
  };
}

/** The launcher's half: hosts and gateways up, then the bench on GD customs' host. */
export async function benchAcrossHosts(args: string[]): Promise<number> {
  const devnet = new HostsDevnet({ log: () => undefined });
  // Left as found: a hosts network this run brings up, it takes down again.
  const wasUp = devnet.runningPids().length > 0;
  console.log('hosts: up (peers, orderers, each organisation its gateway)');
  await devnet.up();
  try {
    return await benchOnGdHost(devnet, args);
  } finally {
    if (!wasUp) await devnet.down();
  }
}

async function benchOnGdHost(devnet: HostsDevnet, args: string[]): Promise<number> {
  await startHostGateways(devnet, { logLevel: 'warn' });
  const settings = devnet.readSettings();
  console.log(
    `border latency per direction: ${settings.latency ? `${settings.latency.latencyMs} ms ± ${settings.latency.jitterMs} ms` : 'the links’ default (20 ms ± 5 ms)'}`,
  );
  const gd = hostGateway(devnet, 'gdcustoms');
  const hk = hostGateway(devnet, 'hkcustoms');
  const hkTrustToken = await signInOfficer(
    hk.url,
    'hkcustoms/trust-admin',
    hostGatewaySecrets(devnet, 'hkcustoms').passwords['hkcustoms/trust-admin'] as string,
  );
  const input: OnHost = {
    base: gd.url,
    hkBase: `http://${hk.name}:3000`,
    hkTrustToken,
    databaseUrl: (await devnet.services(gd.host)).databaseUrl,
    connections: devnet.paths.connections,
    hostRoot: devnet.hostPaths(gd.host).root,
  };
  const via = devnet.via(gd.host);
  const bench = path.join(REPO_ROOT, 'load', 'dist', 'bench.js');
  const child = spawn(
    via[0] as string,
    [...via.slice(1), process.execPath, bench, '--on-host', ...args.filter((a) => a !== '--hosts')],
    { stdio: 'inherit', env: { ...process.env, BENCH_ON_HOST: JSON.stringify(input) } },
  );
  const code = await new Promise<number>((resolve) =>
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  if (code === 0) printSideBySide();
  return code;
}

/** The one-host and across-hosts figures of the last runs, side by side. */
export function printSideBySide(): void {
  const dir = path.join(REPO_ROOT, 'load', 'results');
  const read = (name: string): Record<string, unknown> | undefined =>
    fs.existsSync(path.join(dir, name))
      ? (JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>)
      : undefined;
  const one = read('latest.json');
  const hosts = read('latest-hosts.json');
  if (!one || !hosts) return;
  console.log('\none host (load/results/latest.json) | across hosts (latest-hosts.json)');
  for (const key of Object.keys(hosts)) {
    if (!(key in one) || key === 'at' || key === 'quick') continue;
    console.log(
      `${key.padEnd(28)}${String(one[key]).padStart(14)}${String(hosts[key]).padStart(14)}`,
    );
  }
  console.log(`(one host at ${String(one.at)}, across hosts at ${String(hosts.at)})`);
}
