/**
 * Hosts on one machine: each a network namespace of its own (with its own mount namespace,
 * where /etc/hosts is the host's view of the network), on a bridge of the checkout's.
 *
 * A namespace is held by a process (`unshare … sleep infinity`, tracked by pid file like
 * every other process) and entered with nsenter, never named in /run/netns: a name made
 * inside `ip netns exec` lives only in that command's mount namespace, so the next command
 * would not find it. This way the same launcher works from the root namespace (CI) and from
 * inside a namespace of one's own.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DevnetError } from './errors';
import { commandExists, run } from './exec';
import type { HostsNetwork } from './layout';
import type { DevnetPaths } from './paths';
import { ensureRunning, runningPid, sleep, stopProcess } from './processes';

/** The pid file name of a host's namespace holder. */
export const HOLDER = 'netns';

/** What every host needs from this machine. */
export async function requireHostTools(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      'hosts mode makes network namespaces, which needs root',
      'run it as root (or with sudo)',
    );
  }
  for (const tool of ['ip', 'unshare', 'nsenter', 'nft', 'bash', 'timeout']) {
    if (!(await commandExists(tool))) {
      throw new DevnetError(
        'DEPENDENCY_MISSING',
        `${tool} is not installed`,
        'apt-get install iproute2 util-linux nftables coreutils',
      );
    }
  }
}

export function bridgeName(net: HostsNetwork): string {
  return `${net.prefix}-br`;
}

/** The launcher-side end of a host's link (at most 15 characters, as Linux requires). */
function linkName(net: HostsNetwork, octet: number): string {
  return `${net.prefix}-${octet}`;
}

async function ip(args: string[], via: string[] = []): Promise<string> {
  const argv = [...via, 'ip', ...args];
  return (await run(argv[0] as string, argv.slice(1))).stdout;
}

async function linkExists(name: string): Promise<boolean> {
  try {
    await ip(['link', 'show', 'dev', name]);
    return true;
  } catch {
    return false;
  }
}

export async function ensureBridge(net: HostsNetwork): Promise<boolean> {
  const bridge = bridgeName(net);
  if (await linkExists(bridge)) return false;
  await ip(['link', 'add', 'name', bridge, 'type', 'bridge']);
  await ip(['addr', 'add', `${net.launcherAddress}/24`, 'dev', bridge]);
  await ip(['link', 'set', bridge, 'up']);
  return true;
}

/**
 * Deletes the checkout's host links and then its bridge. A stopped host's namespace goes
 * with its last process, but the kernel frees it only once its sockets are gone (a closed
 * connection still sending, for minutes): its link would outlive `down` without this.
 */
export async function removeBridge(net: HostsNetwork): Promise<boolean> {
  const links = (await ip(['-br', 'link']))
    .split('\n')
    .map((line) => (line.split(/\s+/)[0] ?? '').split('@')[0] ?? '')
    .filter((name) => name.startsWith(`${net.prefix}-`) && name !== bridgeName(net));
  for (const link of links) await ip(['link', 'del', link]);
  const bridge = bridgeName(net);
  if (!(await linkExists(bridge))) return links.length > 0;
  await ip(['link', 'del', bridge]);
  return true;
}

/**
 * The command prefix that runs a command on a host (its network and its mount namespace:
 * its /etc/hosts, and other organisations' keys hidden). The working folder is entered
 * after the namespaces by `env --chdir`: nsenter's own --wd opens it before, and relative
 * paths from there would still see the launcher's mounts.
 */
export function enterHost(holderPid: number, cwd = '/'): string[] {
  return ['nsenter', '-t', String(holderPid), '-n', '-m', '--', 'env', `--chdir=${cwd}`];
}

export interface HostSpec {
  key: string;
  octet: number;
  /** Its addresses on the bridge: the first is its own, others (the border's) stand in. */
  addresses: string[];
  /** Its /etc/hosts, written in place (the namespace bind-mounts this very file). */
  hostsFile: string;
}

/**
 * Starts the host's namespace unless its holder runs, links it to the bridge and gives it
 * its addresses (each step skipped when done). Resolves with the holder's pid.
 */
export async function ensureHost(
  net: HostsNetwork,
  paths: DevnetPaths,
  spec: HostSpec,
): Promise<number> {
  const file = path.join(paths.root, 'hosts');
  fs.mkdirSync(paths.root, { recursive: true });
  // In place: a bind mount follows the inode, so the file is truncated, never replaced.
  fs.writeFileSync(file, spec.hostsFile);
  await ensureRunning(paths, {
    name: HOLDER,
    command: 'unshare',
    args: [
      '--net',
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      // /sys shows the host's own interfaces; lo up; then hold the namespaces open.
      'mount --bind "$1" /etc/hosts && { mount -t sysfs sysfs /sys 2>/dev/null || true; } && ip link set lo up && exec sleep infinity',
      'holder',
      file,
    ],
    env: {},
    ports: [],
    health: [],
    onHost: spec.key,
  });
  const pid = runningPid(paths, HOLDER);
  if (pid === undefined) {
    throw new DevnetError('STEP_FAILED', `the namespace of host ${spec.key} did not start`);
  }
  // Until its script execs `sleep`, the holder may not have unshared yet: its pid still
  // shows the launcher's namespaces, and a veth moved "into" it would stay here (seen under
  // load: `Cannot find device <link>i` inside the host).
  for (let i = 0, name = processName(pid); name !== 'sleep'; i++, name = processName(pid)) {
    if (name === undefined || i > 400)
      throw new DevnetError('STEP_FAILED', `host ${spec.key}: its namespace did not come up`);
    await sleep(50);
  }
  const via = enterHost(pid);
  // lo is up once the holder's script has run to its end.
  for (let i = 0; !(await ip(['-br', 'link', 'show', 'lo'], via)).includes('UP'); i++) {
    if (i > 100) throw new DevnetError('TIMEOUT', `host ${spec.key}: loopback never came up`);
    await sleep(50);
  }
  const outer = linkName(net, spec.octet);
  const linked = (await ip(['-br', 'link', 'show'], via))
    .split('\n')
    .some((line) => line.startsWith('eth0'));
  // A host killed outright (its holder too) leaves its bridge end behind while the old
  // namespace drains: that link leads nowhere now, and the new namespace needs its own.
  if (!linked && (await linkExists(outer))) {
    await ip(['link', 'del', outer]).catch(async (error: unknown) => {
      if (await linkExists(outer)) throw error;
    });
  }
  if (!linked) {
    const inner = `${outer}i`;
    await ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
    await ip(['link', 'set', inner, 'netns', String(pid)]);
    await ip(['link', 'set', inner, 'name', 'eth0'], via);
    await ip(['link', 'set', outer, 'master', bridgeName(net), 'up']);
  }
  const present = await ip(['-br', 'addr', 'show', 'dev', 'eth0'], via);
  for (const address of spec.addresses) {
    if (!present.split(/\s+/).includes(`${address}/24`)) {
      await ip(['addr', 'add', `${address}/24`, 'dev', 'eth0'], via);
    }
  }
  await ip(['link', 'set', 'eth0', 'up'], via);
  return pid;
}

/** The command name of a process (`/proc/<pid>/comm`), or undefined once it is gone. */
function processName(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Ends the host's namespace: its holder (the processes on it must be stopped first). */
export async function removeHost(paths: DevnetPaths): Promise<boolean> {
  return stopProcess(paths, HOLDER);
}

/** The holder's pid of a running host, or undefined. */
export function hostPid(paths: DevnetPaths): number | undefined {
  return runningPid(paths, HOLDER);
}

/** The table partition rules live in, in each host's namespace. */
const PARTITION_TABLE = 'clearance_partition';

/**
 * Cuts a host off from `addresses`: every packet to or from them is dropped, on connections
 * already established as on new ones (as a real partition: no reset, the peers time out).
 */
export async function cutOff(holderPid: number, addresses: readonly string[]): Promise<void> {
  if (addresses.length === 0) return;
  const set = `{ ${addresses.join(', ')} }`;
  const script = [
    `table inet ${PARTITION_TABLE} {`,
    `  chain input { type filter hook input priority -10; policy accept; ip saddr ${set} drop; }`,
    `  chain output { type filter hook output priority -10; policy accept; ip daddr ${set} drop; }`,
    '}',
  ].join('\n');
  await healCuts(holderPid);
  const argv = [...enterHost(holderPid), 'nft', '-f', '-'];
  await runWithInput(argv, script);
}

/** Removes a host's partition rules (nothing to do when it has none). */
export async function healCuts(holderPid: number): Promise<boolean> {
  const via = enterHost(holderPid);
  const argv = [...via, 'nft', 'list', 'tables'];
  const { stdout } = await run(argv[0] as string, argv.slice(1));
  if (!stdout.includes(PARTITION_TABLE)) return false;
  const del = [...via, 'nft', 'delete', 'table', 'inet', PARTITION_TABLE];
  await run(del[0] as string, del.slice(1));
  return true;
}

/** The addresses a host is cut off from now (from its nft table). */
export async function cutAddresses(holderPid: number): Promise<string[]> {
  const argv = [...enterHost(holderPid), 'nft', 'list', 'tables'];
  const { stdout } = await run(argv[0] as string, argv.slice(1));
  if (!stdout.includes(PARTITION_TABLE)) return [];
  const list = [...enterHost(holderPid), 'nft', 'list', 'table', 'inet', PARTITION_TABLE];
  const table = (await run(list[0] as string, list.slice(1))).stdout;
  const match = /ip daddr \{([^}]*)\} drop/.exec(table);
  return match?.[1] ? match[1].split(',').map((a) => a.trim()) : [];
}

function runWithInput(argv: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new DevnetError('STEP_FAILED', `${argv.join(' ')} failed: ${stderr.trim()}`)),
    );
    child.stdin.end(input);
  });
}

/**
 * Makes `paths` unreadable on one host: an empty read-only tmpfs over each folder,
 * /dev/null over each file, in the host's own mount namespace only (other hosts and the
 * launcher still see them). Paths already covered, or absent, are left alone.
 */
export async function hideOnHost(holderPid: number, paths: readonly string[]): Promise<number> {
  const mounted = new Set(
    fs
      .readFileSync(`/proc/${holderPid}/mountinfo`, 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4]),
  );
  const steps: string[] = [];
  for (const p of paths) {
    if (mounted.has(p) || !fs.existsSync(p)) continue;
    const quoted = `'${p.replace(/'/g, `'\\''`)}'`;
    steps.push(
      fs.statSync(p).isDirectory()
        ? `mount -t tmpfs -o ro,size=4k,mode=0500 hidden ${quoted}`
        : `mount --bind /dev/null ${quoted}`,
    );
  }
  if (steps.length === 0) return 0;
  const argv = ['nsenter', '-t', String(holderPid), '-m', '--', 'sh', '-e'];
  await runWithInput(argv, `${steps.join('\n')}\n`);
  return steps.length;
}
