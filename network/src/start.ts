/**
 * The whole system on this machine: the devnet, PostgreSQL and Redis (private ones unless
 * DATABASE_URL / REDIS_URL are given), the officers' accounts, then the gateway serving
 * the API and the portal. Ctrl-C stops the gateway and whatever this run started.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OFFICERS } from './definition';
import { Devnet, REPO_ROOT } from './devnet';
import { DevnetError, printError } from './errors';
import { gatewaySecrets, signsIn } from './gateway-secrets';
import { portFree } from './processes';

const GATEWAY_HOST = '127.0.0.1';
const GATEWAY_DIST = path.join(REPO_ROOT, 'gateway', 'dist');
const TESTKIT_DIST = path.join(REPO_ROOT, 'testkit', 'dist');

/** Stores each officer's enrolled identity in the gateway's accounts (key sealed). */
function importAccounts(devnet: Devnet, env: NodeJS.ProcessEnv, passwords: Record<string, string>) {
  const manifest = OFFICERS.map((o) => ({
    organisation: o.org,
    username: o.name,
    role: o.role,
    ...(o.controlPoint ? { controlPoint: o.controlPoint } : {}),
    connectionFile: devnet.connectionFile(`${o.org}/${o.name}`),
    ...(signsIn(o.role) ? { password: passwords[`${o.org}/${o.name}`] } : {}),
  }));
  const result = spawnSync(
    process.execPath,
    [path.join(GATEWAY_DIST, 'auth', 'cli.js'), 'import'],
    {
      input: JSON.stringify(manifest),
      env,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new DevnetError(
      'STEP_FAILED',
      `importing the officers' accounts failed:\n${result.stderr}`,
      'see the message above',
    );
}

/** Two demo traders with certificates from test authorities put on the trust list. */
function makeDemoTraders(devnet: Devnet, env: NodeJS.ProcessEnv): string {
  const out = path.join(devnet.paths.root, 'demo');
  const result = spawnSync(
    process.execPath,
    [
      path.join(TESTKIT_DIST, 'demo', 'cli.js'),
      'traders',
      out,
      devnet.connectionFile('gdcustoms/trust-admin'),
      devnet.connectionFile('hkcustoms/trust-admin'),
    ],
    { env: { ...env, CORE_CHAINCODE_LOGGING_LEVEL: 'error' }, encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new DevnetError(
      'STEP_FAILED',
      `making the demo traders failed:\n${result.stderr}`,
      'see the message above',
    );
  return path.join(out, 'README.txt');
}

function writeSignInSheet(devnet: Devnet, passwords: Record<string, string>): string {
  const file = path.join(devnet.paths.root, 'gateway', 'sign-in.txt');
  const lines = Object.entries(passwords).map(([account, password]) => {
    const [organisation, username] = account.split('/');
    return `  ${(organisation ?? '').padEnd(10)} ${(username ?? '').padEnd(12)} ${password}`;
  });
  fs.writeFileSync(
    file,
    `Officer sign-in on this devnet (organisation, username, password):\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
  return file;
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!(await portFree(GATEWAY_HOST, port))) {
    throw new DevnetError(
      'PORT_IN_USE',
      `the gateway port ${GATEWAY_HOST}:${port} is already taken`,
      'stop what listens there, or run with PORT=<another port>',
    );
  }
  const devnet = new Devnet();
  const report = await devnet.up();
  console.log(
    `devnet up in ${report.seconds.toFixed(1)} s (${report.started.length} processes started)`,
  );
  const services = await devnet.services();
  const secrets = gatewaySecrets(devnet.paths.root);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: GATEWAY_HOST,
    PORT: String(port),
    FABRIC_CONNECTION: process.env.FABRIC_CONNECTION ?? devnet.connectionFile('gdcustoms'),
    SEAL_OPERATOR_CONNECTION:
      process.env.SEAL_OPERATOR_CONNECTION ?? devnet.connectionFile('logistics/operator1'),
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    IDENTITY_KEK: process.env.IDENTITY_KEK ?? secrets.identityKek,
    TAG_META_KEY: process.env.TAG_META_KEY ?? secrets.tagMetaKey,
    TAG_MASTER_KEY: process.env.TAG_MASTER_KEY ?? secrets.tagMasterKey,
    METRICS_TOKEN: process.env.METRICS_TOKEN ?? secrets.metricsToken,
    PORTAL_DIR: path.join(REPO_ROOT, 'portal', 'dist'),
  };
  importAccounts(devnet, env, secrets.passwords);
  const sheet = writeSignInSheet(devnet, secrets.passwords);
  const demo = makeDemoTraders(devnet, env);

  const gateway = spawn(process.execPath, [path.join(GATEWAY_DIST, 'server.js')], {
    stdio: 'inherit',
    env,
  });
  const base = `http://${GATEWAY_HOST}:${port}`;
  console.log(`
  portal       ${base}/
  API docs     ${base}/docs   (OpenAPI: ${base}/docs/json)
  health       ${base}/healthz   readiness ${base}/readyz
  metrics      ${base}/metrics   (Authorization: Bearer <metricsToken in ${path.join(devnet.paths.root, 'gateway', 'secrets.json')}>)
  sign-in      officers: ${sheet}
               traders:  ${demo}
  devnet       npm run devnet -- status   (state in ${devnet.paths.root})
  Ctrl-C stops the gateway${report.started.length + services.started.length ? ' and what this run started' : ''}.
`);

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (gateway.exitCode === null && gateway.pid !== undefined) {
      process.kill(gateway.pid, 'SIGTERM');
      await new Promise((resolve) => gateway.once('exit', resolve));
    }
    const started = [...services.started, ...report.started];
    if (started.length > 0) {
      const stopped = await devnet.stop(started);
      console.log(`stopped: ${stopped.join(', ')}`);
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void stop(0));
  gateway.on('exit', (code) => {
    if (!stopping) {
      console.error(`gateway exited (code ${code ?? 'signal'})`);
      void stop(1);
    }
  });
}

main().catch((error: unknown) => {
  printError(error);
  process.exit(1);
});
