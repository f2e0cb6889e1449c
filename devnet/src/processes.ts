/**
 * Native processes of the devnet, each tracked by a pid file holding the pid and the
 * process's start time (from /proc): a process is "ours" only if both match, so a
 * recycled pid is never signalled. (An environment marker would not do: redis and
 * postgres overwrite their environment to set their process titles.)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { DevnetError } from './errors';
import type { DevnetPaths } from './paths';

/**
 * A check from the launcher, or (with `via`, a command prefix such as nsenter's) from
 * inside another host's network namespace, for what listens on that host's loopback only.
 */
export type HealthCheck =
  { kind: 'http'; url: string } | { kind: 'tcp'; host: string; port: number; via?: string[] };

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Ports the process listens on, checked free before it starts (in the launcher's own
   * namespace: one started on another host (`onHost`) is not checked). */
  ports: { label: string; host: string; port: number }[];
  /** Set when the command enters another host (nsenter): its ports are not ours to check. */
  onHost?: string;
  /** Healthy when every check passes. */
  health: HealthCheck[];
}

/** Names the devnet a process belongs to, for people reading `ps e`. */
const MARKER = 'CLEARANCE_DEVNET_PROCESS';

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat). */
function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined; // no such process
  }
}

/** The pid recorded in `file` if that process still runs (a stale file is removed). */
export function livePid(file: string): number | undefined {
  if (!fs.existsSync(file)) return undefined;
  const [pidText, started] = fs.readFileSync(file, 'utf8').trim().split(' ');
  const pid = Number(pidText);
  if (
    Number.isInteger(pid) &&
    pid > 0 &&
    started !== undefined &&
    startTime(pid) === started &&
    isAlive(pid)
  ) {
    return pid;
  }
  fs.rmSync(file, { force: true });
  return undefined;
}

/** Records `pid` with its start time in `file`, so that only that process is ever claimed. */
export function writePidFile(file: string, pid: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${pid} ${startTime(pid) ?? 'gone'}\n`);
}

/** The pid of our running process `name`, or undefined (a stale pid file is removed). */
export function runningPid(paths: DevnetPaths, name: string): number | undefined {
  return livePid(paths.pidFile(name));
}

/** Tracks a process started by someone else (the gateway `npm start` runs) as `name`. */
export function trackPid(paths: DevnetPaths, name: string, pid: number): void {
  writePidFile(paths.pidFile(name), pid);
}

export function trackedNames(paths: DevnetPaths): string[] {
  if (!fs.existsSync(paths.pids)) return [];
  return fs
    .readdirSync(paths.pids)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => f.slice(0, -'.pid'.length));
}

export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function checkHealth(
  checks: HealthCheck | HealthCheck[],
  timeoutMs = 1500,
): Promise<boolean> {
  if (Array.isArray(checks)) {
    const results = await Promise.all(checks.map((c) => checkHealth(c, timeoutMs)));
    return results.every(Boolean);
  }
  const check = checks;
  if (check.kind === 'tcp' && check.via)
    return tcpCheckVia(check.via, check.host, check.port, timeoutMs);
  if (check.kind === 'http') {
    try {
      const res = await fetch(check.url, { signal: AbortSignal.timeout(timeoutMs) });
      return res.ok;
    } catch {
      return false;
    }
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host: check.host, port: check.port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A TCP connect made from inside another namespace (bash's /dev/tcp, under `via`). */
function tcpCheckVia(
  via: string[],
  host: string,
  port: number,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    const argv = [
      ...via,
      'timeout',
      String(Math.max(1, Math.ceil(timeoutMs / 1000))),
      'bash',
      '-c',
      `exec 3<>/dev/tcp/${host}/${port}`,
    ];
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

function logTail(paths: DevnetPaths, name: string, lines = 20): string {
  try {
    return fs.readFileSync(paths.logFile(name), 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startProcess(paths: DevnetPaths, spec: ProcessSpec): Promise<number> {
  for (const p of spec.onHost === undefined ? spec.ports : []) {
    if (!(await portFree(p.host, p.port))) {
      throw new DevnetError(
        'PORT_IN_USE',
        `${spec.name} cannot start: its ${p.label} port ${p.host}:${p.port} is already taken`,
        `stop whatever listens there (ss -ltnp 'sport = :${p.port}') and run up again`,
      );
    }
  }
  fs.mkdirSync(paths.logs, { recursive: true });
  fs.mkdirSync(paths.pids, { recursive: true });
  const log = fs.openSync(paths.logFile(spec.name), 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env, [MARKER]: `${paths.root}#${spec.name}` },
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) {
    throw new DevnetError('STEP_FAILED', `${spec.name} did not start (${spec.command})`);
  }
  child.unref();
  trackPid(paths, spec.name, pid);
  return pid;
}

export async function waitHealthy(
  paths: DevnetPaths,
  spec: ProcessSpec,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await checkHealth(spec.health)) return;
    if (runningPid(paths, spec.name) === undefined) {
      throw new DevnetError(
        'STEP_FAILED',
        `${spec.name} exited while starting; last lines of ${paths.logFile(spec.name)}:\n${logTail(paths, spec.name)}`,
      );
    }
    await sleep(200);
  }
  throw new DevnetError(
    'TIMEOUT',
    `${spec.name} not healthy after ${timeoutMs} ms; last log lines:\n${logTail(paths, spec.name)}`,
  );
}

/** SIGTERM, then SIGKILL after the grace period; removes the pid file. */
export async function stopProcess(
  paths: DevnetPaths,
  name: string,
  graceMs = 10_000,
): Promise<boolean> {
  const pid = runningPid(paths, name);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  fs.rmSync(paths.pidFile(name), { force: true });
  return true;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0; it is dead for our purposes.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts `spec` unless it already runs healthy; one running but unhealthy is stopped and
 * started again. Resolves with the new pid, or undefined when it was already running.
 */
export async function ensureRunning(
  paths: DevnetPaths,
  spec: ProcessSpec,
  timeoutMs?: number,
): Promise<number | undefined> {
  const pid = runningPid(paths, spec.name);
  if (pid !== undefined && (await checkHealth(spec.health))) return undefined;
  if (pid !== undefined) await stopProcess(paths, spec.name);
  const started = await startProcess(paths, spec);
  await waitHealthy(paths, spec, timeoutMs);
  return started;
}

/** The processes a process started, and theirs, from /proc. */
function descendantsOf(pid: number): number[] {
  const children = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
  return children.flatMap((c) => [c, ...descendantsOf(c)]);
}

/**
 * kill -9 of a process and of every process it started (a crash, for the fault tests),
 * resolved once all are gone: PostgreSQL's backends outlive a killed postmaster for a
 * moment, holding its lock file, and a restart meanwhile fails.
 */
export async function kill9Tree(pid: number, timeoutMs = 10_000): Promise<void> {
  const all = [pid, ...descendantsOf(pid)];
  for (const p of all) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (all.some(isAlive)) {
    if (Date.now() > deadline)
      throw new Error(`processes ${all.filter(isAlive).join(', ')} did not end`);
    await sleep(50);
  }
}
