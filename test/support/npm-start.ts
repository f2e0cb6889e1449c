/**
 * `npm start` as a user runs it (node scripts/start.mjs in a process group of its own, as a
 * terminal runs a command), for the tests of what it starts, adopts and stops; and every
 * process of this checkout still running, found in /proc.
 */
import { REPO_ROOT, postgresRoot, type Devnet } from '@clearance/devnet';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const START = path.join(REPO_ROOT, 'scripts', 'start.mjs');

export interface NpmStart {
  /** Everything it printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** Resolves with the output once `pattern` shows in it; rejects if it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code once npm start (start.mjs) has exited. */
  exited(): Promise<number | null>;
  /** Ctrl-C: SIGINT to the whole process group, as a terminal sends it. */
  interrupt(): void;
  child: ChildProcess;
}

export function npmStart(args: string[], env: NodeJS.ProcessEnv = {}): NpmStart {
  const child = spawn(process.execPath, [START, ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited: () => exit,
    interrupt() {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    },
    waitFor(pattern, timeoutMs = 240_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) {
            done();
            resolve(text);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`npm start did not print ${pattern} in ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        void exit.then((code) => {
          if (!pattern.test(text)) {
            done();
            reject(new Error(`npm start exited (${code}) before printing ${pattern}:\n${text}`));
          }
        });
        waiters.add(check);
        check();
      });
    },
  };
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return ''; // ended meanwhile, or not ours to read
  }
}

const parentOf = (pid: string | number): number => {
  const stat = read(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

/**
 * The test runner, its ancestors and what it runs itself (a browser): they work in the
 * checkout too. What npm start left behind is not among them: once npm start has ended,
 * its orphans belong to init.
 */
function ourselves(pids: readonly string[]): Set<number> {
  const mine = new Set<number>();
  for (let pid = process.pid; pid > 1; pid = parentOf(pid)) mine.add(pid);
  const descends = (pid: number): boolean => {
    for (let p = pid; p > 1; p = parentOf(p)) if (p === process.pid) return true;
    return false;
  };
  for (const pid of pids) if (descends(Number(pid))) mine.add(Number(pid));
  return mine;
}

/**
 * Processes of this checkout still running (its devnet, servers, gateway, demo): any whose
 * command line names the checkout or its private PostgreSQL's folder, whose environment
 * carries the launcher's marker for this devnet, or which works in the devnet's or
 * PostgreSQL's folder; apart from the test runner and what it runs itself. Call it once
 * npm start has ended.
 */
export function checkoutProcesses(devnet: Devnet): string[] {
  const pg = postgresRoot(devnet.paths);
  // The launcher's marker in a process's environment (redis and postgres overwrite theirs).
  const marker = `CLEARANCE_DEVNET_PROCESS=${devnet.paths.root}#`;
  const under = (dir: string, root: string) => dir === root || dir.startsWith(`${root}/`);
  const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const skip = ourselves(pids);
  return pids
    .filter((d) => !skip.has(Number(d)))
    .flatMap((pid) => {
      const cmdline = read(`/proc/${pid}/cmdline`).replace(/\0/g, ' ').trim();
      const environ = read(`/proc/${pid}/environ`);
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // ended meanwhile
      }
      const ours =
        cmdline.includes(REPO_ROOT) ||
        cmdline.includes(pg) ||
        environ.includes(marker) ||
        under(cwd, devnet.paths.root) ||
        under(cwd, pg);
      return ours && cmdline ? [`${pid} ${cmdline}`] : [];
    });
}
