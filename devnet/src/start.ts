/**
 * `npm start` after the build: the devnet, PostgreSQL and Redis (private ones unless
 * DATABASE_URL / REDIS_URL are given), the officers' accounts and demo traders, the gateway
 * serving the API and the portal, and the living demo. While it runs it owns this
 * checkout's processes: what an earlier run left is adopted (running and healthy) or
 * restarted, and a failed step, Ctrl-C or the end of `npm start` stop everything the
 * checkout runs, then name whatever still runs.
 *
 *   node devnet/dist/start.js [--no-demo]
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ONE_HOST_OFFICERS } from './definition';
import { APP_PROCESSES, Devnet, REPO_ROOT } from './devnet';
import { DevnetError, printError } from './errors';
import { gatewaySecrets, signsIn, type GatewaySecrets } from './gateway-secrets';
import { livePid, portFree, sleep, trackPid, writePidFile } from './processes';

const GATEWAY_HOST = '127.0.0.1';
const GATEWAY_DIST = path.join(REPO_ROOT, 'gateway', 'dist');
const DEMO_CLI = path.join(REPO_ROOT, 'devnet', 'dist', 'demo', 'cli.js');
/**
 * Ctrl-C reaches every process of the terminal's group at once: a step's own child (a peer
 * CLI, the gateway) may end, and its failure arrive, a moment before our signal handler
 * runs. A failure waits this long for a signal under way to be what ends the run.
 */
const SIGNAL_GRACE_MS = 300;

export interface StartOptions {
  /** The living demo: seeded once per devnet, trucks driving while npm start runs. */
  demo: boolean;
}

export function parseStartOptions(argv: readonly string[]): StartOptions {
  const unknown = argv.filter((a) => a !== '--no-demo');
  if (unknown.length > 0)
    throw new DevnetError(
      'BAD_ARGUMENT',
      `npm start does not know ${unknown.join(' ')}`,
      'npm start [-- --no-demo]',
    );
  return { demo: !argv.includes('--no-demo') };
}

/** Names and pids, as people read them: `orderer1 (pid 12), redis (pid 40)`. */
const listed = (procs: readonly { name: string; pid: number }[]): string =>
  procs.map((p) => `${p.name} (pid ${p.pid})`).join(', ');

/**
 * This checkout's processes for the time `npm start` runs: the children it waits on, the
 * tracked ones it stops, and one stop for every way the run can end.
 */
class StartRun {
  /** Children of this run, with the name each is tracked under (if any). */
  private readonly children = new Map<ChildProcess, string | undefined>();
  private stopping = false;

  constructor(
    readonly devnet: Devnet,
    private readonly pidFile: string,
  ) {}

  get stopped(): boolean {
    return this.stopping;
  }

  /** Between steps: once a stop has begun, no further step starts anything. */
  check(): void {
    if (this.stopping) throw new DevnetError('INTERRUPTED', 'npm start is stopping');
  }

  /** A child process of this run; `track` names it beside the devnet's (gateway, demo). */
  spawn(command: string, args: string[], options: SpawnOptions, track?: string): ChildProcess {
    this.check();
    const child = spawn(command, args, options);
    this.children.set(child, track);
    child.once('exit', () => this.children.delete(child));
    if (track && child.pid !== undefined) trackPid(this.devnet.paths, track, child.pid);
    return child;
  }

  /** Runs a node script of the repository to its end; rejects with its error output. */
  runNode(what: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = this.spawn(process.execPath, args, {
        env,
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin?.end(input ?? '');
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new DevnetError(
              'STEP_FAILED',
              `${what} failed (${signal ?? `exit ${code}`}):\n${stderr.trim()}`,
              'see the message above',
            ),
          );
      });
    });
  }

  /**
   * Stops everything this checkout runs: this run's children, then every tracked process
   * (npm start's, the devnet's, PostgreSQL and Redis), whoever started it. Returns what
   * still runs afterwards.
   */
  async stopEverything(): Promise<{ name: string; pid: number }[]> {
    this.stopping = true;
    const children = await Promise.all(
      [...this.children].map(async ([child, name]) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(late);
        return name;
      }),
    );
    const stopped = [
      ...children.filter((n): n is string => n !== undefined),
      ...(await this.devnet.down()),
    ];
    if (stopped.length > 0) console.log(`  stopped: ${stopped.join(', ')}`);
    return this.devnet.running();
  }

  release(): void {
    if (livePid(this.pidFile) === process.pid) fs.rmSync(this.pidFile, { force: true });
  }
}

/** Stores each officer's enrolled identity in the gateway's accounts (key sealed). */
function importAccounts(
  run: StartRun,
  env: NodeJS.ProcessEnv,
  passwords: Record<string, string>,
): Promise<void> {
  const manifest = ONE_HOST_OFFICERS.map((o) => ({
    organisation: o.org,
    username: o.name,
    role: o.role,
    ...(o.controlPoint ? { controlPoint: o.controlPoint } : {}),
    connectionFile: run.devnet.connectionFile(`${o.org}/${o.name}`),
    ...(signsIn(o.role) ? { password: passwords[`${o.org}/${o.name}`] } : {}),
  }));
  return run.runNode(
    "importing the officers' accounts",
    [path.join(GATEWAY_DIST, 'auth', 'cli.js'), 'import'],
    env,
    JSON.stringify(manifest),
  );
}

/** Two demo traders with certificates from test authorities put on the trust list. */
async function makeDemoTraders(run: StartRun, env: NodeJS.ProcessEnv): Promise<string> {
  const out = path.join(run.devnet.paths.root, 'demo');
  await run.runNode(
    'making the demo traders',
    [
      DEMO_CLI,
      'traders',
      out,
      run.devnet.connectionFile('gdcustoms/trust-admin'),
      run.devnet.connectionFile('hkcustoms/trust-admin'),
    ],
    { ...env, CORE_CHAINCODE_LOGGING_LEVEL: 'error' },
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

function logTail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts the gateway (its log in .devnet/logs) and waits until it answers /healthz. */
async function startGateway(run: StartRun, env: NodeJS.ProcessEnv, base: string) {
  const logFile = run.devnet.paths.logFile('gateway');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const gateway = run.spawn(
    process.execPath,
    [path.join(GATEWAY_DIST, 'server.js')],
    { env, stdio: ['ignore', log, log] },
    'gateway',
  );
  fs.closeSync(log);
  const deadline = Date.now() + 60_000;
  for (;;) {
    run.check();
    if (gateway.exitCode !== null || gateway.signalCode !== null)
      throw new DevnetError(
        'STEP_FAILED',
        `the gateway exited while starting; last lines of ${logFile}:\n${logTail(logFile)}`,
      );
    const ok = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { gateway, logFile };
    if (Date.now() > deadline)
      throw new DevnetError('TIMEOUT', `the gateway did not answer ${base}/healthz in 60 s`);
    await sleep(200);
  }
}

/** The living demo: its progress on this terminal, stopped with everything else. */
function startDemo(
  run: StartRun,
  env: NodeJS.ProcessEnv,
  input: { gateway: string; secrets: GatewaySecrets; startedAt: number },
): void {
  const demo = run.spawn(
    process.execPath,
    [DEMO_CLI, 'life', path.join(run.devnet.paths.root, 'demo'), run.devnet.paths.connections],
    {
      env: { ...env, CORE_CHAINCODE_LOGGING_LEVEL: 'error' },
      stdio: ['pipe', 'inherit', 'inherit'],
    },
    'demo',
  );
  demo.stdin?.end(
    JSON.stringify({
      gateway: input.gateway,
      passwords: input.secrets.passwords,
      tagKeys: { metaKey: input.secrets.tagMetaKey, masterKey: input.secrets.tagMasterKey },
      startedAt: input.startedAt,
    }),
  );
  demo.once('exit', (code, signal) => {
    if (!run.stopped && code !== 0)
      console.error(`demo ended (${signal ?? `exit ${code}`}); the system goes on without it`);
  });
}

async function start(run: StartRun, options: StartOptions, startedAt: number): Promise<void> {
  const { devnet } = run;
  const port = Number(process.env.PORT ?? 3000);
  const leftovers = devnet.running();
  if (leftovers.length > 0)
    console.log(`found processes of this checkout from an earlier run: ${listed(leftovers)}`);
  // The gateway and demo of an earlier npm start belonged to its terminal and settings.
  const earlierApps = leftovers.filter((p) =>
    (APP_PROCESSES as readonly string[]).includes(p.name),
  );
  if (earlierApps.length > 0) {
    await devnet.stop(earlierApps.map((p) => p.name));
    console.log(`  restarting ${listed(earlierApps)}: stopped, started again below`);
  }
  if (!(await portFree(GATEWAY_HOST, port))) {
    throw new DevnetError(
      'PORT_IN_USE',
      `the gateway port ${GATEWAY_HOST}:${port} is already taken`,
      'stop what listens there, or run with PORT=<another port>',
    );
  }
  const found = new Set(leftovers.map((p) => p.name));
  const say = (started: readonly string[], all: readonly string[]) => {
    const adopted = all.filter((n) => found.has(n) && !started.includes(n));
    const restarted = started.filter((n) => found.has(n));
    if (adopted.length) console.log(`  adopted (running and healthy): ${adopted.join(', ')}`);
    if (restarted.length) console.log(`  restarted (not healthy): ${restarted.join(', ')}`);
  };

  run.check();
  const report = await devnet.up();
  console.log(
    `devnet up in ${report.seconds.toFixed(1)} s (${report.started.length} processes started)`,
  );
  say(report.started, [...report.started, ...report.alreadyRunning]);
  run.check();
  const services = await devnet.services();
  say(services.started, ['postgres', 'redis']);
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
  await importAccounts(run, env, secrets.passwords);
  const sheet = writeSignInSheet(devnet, secrets.passwords);
  run.check();
  const traders = await makeDemoTraders(run, env);

  const base = `http://${GATEWAY_HOST}:${port}`;
  const { gateway, logFile } = await startGateway(run, env, base);
  gateway.once('exit', async (code, signal) => {
    await sleep(SIGNAL_GRACE_MS);
    if (run.stopped) return;
    console.error(
      `the gateway exited (${signal ?? `exit ${code}`}); last lines of ${logFile}:\n${logTail(logFile)}`,
    );
    void shutdown(run, 1, 'the gateway exited');
  });
  console.log(`
  portal       ${base}/
  API docs     ${base}/docs   (OpenAPI: ${base}/docs/json)
  health       ${base}/healthz   readiness ${base}/readyz
  metrics      ${base}/metrics   (Authorization: Bearer <metricsToken in ${path.join(devnet.paths.root, 'gateway', 'secrets.json')}>)
  sign-in      officers: ${sheet}
               traders:  ${traders}
  logs         ${logFile} and the devnet's in ${devnet.paths.logs}
  devnet       npm run devnet -- status   (state in ${devnet.paths.root})
  Ctrl-C stops everything this checkout runs.
`);
  if (options.demo) startDemo(run, env, { gateway: base, secrets, startedAt });
  else console.log('demo: off (--no-demo)');
}

let shuttingDown: Promise<void> | undefined;
let shutdownAt = 0;

/** The one way out: stop everything, wait for the start steps to end, stop again, report. */
function shutdown(run: StartRun, code: number, why: string, startup?: Promise<void>) {
  if (shuttingDown) {
    // The terminal signals the whole group and scripts/start.mjs passes it on: one Ctrl-C
    // arrives twice. A later one is someone waiting.
    if (Date.now() - shutdownAt > 1000) console.log('npm start: still stopping…');
    return shuttingDown;
  }
  shutdownAt = Date.now();
  console.log(`npm start: stopping (${why})`);
  shuttingDown = (async () => {
    await run.stopEverything();
    // A step that was under way ends once its processes are gone; what it started meanwhile
    // is stopped by the second round.
    await startup?.catch(() => undefined);
    const still = await run.stopEverything();
    if (still.length > 0)
      console.error(
        `npm start: still running (did not stop when asked): ${listed(still)}; stop them with kill -9 <pid>`,
      );
    const external = [
      process.env.DATABASE_URL && 'the PostgreSQL of DATABASE_URL',
      process.env.REDIS_URL && 'the Redis of REDIS_URL',
    ].filter(Boolean);
    if (external.length > 0)
      console.log(`npm start: left running, not started by this checkout: ${external.join(', ')}`);
    if (still.length === 0) console.log('npm start: nothing of this checkout is running');
    run.release();
    process.exit(code);
  })();
  return shuttingDown;
}

async function main(argv: readonly string[]): Promise<void> {
  const startedAt = Number(process.env.NPM_START_AT) || Date.now();
  const devnet = new Devnet();
  const pidFile = path.join(devnet.paths.root, 'start.pid');
  const other = livePid(pidFile);
  if (other !== undefined && other !== process.pid)
    throw new DevnetError(
      'ALREADY_RUNNING',
      `npm start already runs for this checkout (pid ${other})`,
      `stop it first (Ctrl-C in its terminal, or kill ${other})`,
    );
  const options = parseStartOptions(argv);
  writePidFile(pidFile, process.pid);
  const run = new StartRun(devnet, pidFile);
  const startup = start(run, options, startedAt);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void shutdown(run, 0, signal, startup));
  // Started by scripts/start.mjs over an IPC channel: if that process dies, so does this run.
  process.on('disconnect', () => void shutdown(run, 1, 'npm start ended', startup));
  try {
    await startup;
  } catch (error) {
    await sleep(SIGNAL_GRACE_MS);
    if (run.stopped) return; // a stop is under way; it exits
    printError(error);
    await shutdown(run, 1, 'the start failed', startup);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  printError(error);
  process.exit(1);
});
