/** The `--hosts` commands of `npm run devnet`, and link, partition, heal, admit. */
import { DevnetError } from './errors';
import { hostGateways, startHostGateways } from './host-gateways';
import { HostsDevnet, type HostsStatus } from './hosts-devnet';

function numberFlag(args: string[], flag: string, fallback?: number): number {
  const i = args.indexOf(flag);
  if (i < 0) {
    if (fallback !== undefined) return fallback;
    throw new DevnetError('BAD_ARGUMENT', `${flag} is required`);
  }
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    throw new DevnetError(
      'BAD_ARGUMENT',
      `${flag} takes whole milliseconds, not ${args[i + 1] ?? '(nothing)'}`,
    );
  }
  return value;
}

export function printHostsStatus(status: HostsStatus): void {
  console.log(`hosts network in ${status.root}: ${status.subnet}, bridge ${status.prefix}-br`);
  for (const host of status.hosts) {
    const heights = Object.entries(host.heights)
      .map(([n, h]) => `${n} height ${h ?? '?'}`)
      .join(', ');
    console.log(
      `  ${host.key.padEnd(10)} ${host.up ? 'up  ' : 'DOWN'} ${host.address.padEnd(15)} site ${host.site.padEnd(8)} ${host.rssMb} MB${host.raftLeader ? '  Raft leader' : ''}${heights ? `  ${heights}` : ''}`,
    );
    if (host.names.length) console.log(`      names: ${host.names.join(', ')}`);
    for (const p of host.processes) {
      console.log(
        `      ${p.name.padEnd(10)} ${p.pid === undefined ? 'stopped' : `pid ${p.pid}`.padEnd(10)} ${p.rssMb ?? '-'} MB`,
      );
    }
    if (host.cutOffFrom.length) console.log(`      CUT OFF from ${host.cutOffFrom.join(', ')}`);
  }
  const latencies = new Set(
    status.proxies.map((p) =>
      p.latency ? `${p.latency.latencyMs} ms ± ${p.latency.jitterMs} ms` : 'proxy down',
    ),
  );
  console.log(
    `  border links: ${status.proxies.length} proxies, latency per direction ${[...latencies].join(' / ')}`,
  );
}

/** Each organisation's gateway: where it answers and where its sign-in sheet is. */
function printGateways(devnet: HostsDevnet): void {
  for (const g of hostGateways(devnet)) {
    const running = devnet.pidOn(g.host, 'gateway') !== undefined;
    console.log(
      `  gateway of ${g.organisation.padEnd(10)} ${running ? g.url.padEnd(24) : 'not running'.padEnd(24)} (${g.name}; sign-in: ${devnet.hostPaths(g.host).root}/gateway/sign-in.txt)`,
    );
  }
}

export async function hostsCommand(command: string | undefined, args: string[]): Promise<number> {
  const devnet = new HostsDevnet();
  switch (command) {
    case 'up': {
      const report = await devnet.up();
      // Each organisation's own gateway (accounts and keys of its own officers only).
      const gateways = args.includes('--no-gateways') ? [] : await startHostGateways(devnet);
      const started = report.started.length + gateways.length;
      console.log(
        `hosts up in ${report.seconds.toFixed(1)} s${started ? ` (started ${started})` : ' (already up)'}`,
      );
      printHostsStatus(await devnet.status());
      printGateways(devnet);
      return 0;
    }
    case 'down': {
      const stopped = await devnet.down();
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'reset': {
      const stopped = await devnet.reset();
      console.log(`hosts network wiped${stopped.length ? ` (stopped ${stopped.join(', ')})` : ''}`);
      return 0;
    }
    case 'status': {
      const status = await devnet.status();
      printHostsStatus(status);
      printGateways(devnet);
      return status.hosts.every((h) => h.up && h.processes.every((p) => p.healthy)) ? 0 : 3;
    }
    case 'link': {
      const latency = {
        latencyMs: numberFlag(args, '--latency'),
        jitterMs: numberFlag(args, '--jitter', 0),
      };
      await devnet.link(latency);
      console.log(`border links: ${latency.latencyMs} ms ± ${latency.jitterMs} ms per direction`);
      return 0;
    }
    case 'partition': {
      const [a, b] = args;
      if (!a || !b) return 2;
      for (const { host, cut } of await devnet.partition(a, b)) {
        console.log(`  ${host} cut off from ${cut.join(', ')}`);
      }
      return 0;
    }
    case 'heal': {
      const healed = await devnet.heal();
      console.log(healed.length ? `healed: ${healed.join(', ')}` : 'no cut to heal');
      return 0;
    }
    case 'admit': {
      const [key] = args;
      if (!key) return 2;
      const result = await devnet.admit(key);
      console.log(
        `${result.mspId} ${result.updated ? 'admitted' : 'was already a member'}; its host is up (${result.seconds.toFixed(1)} s)`,
      );
      if (!args.includes('--no-gateways')) await startHostGateways(devnet);
      printHostsStatus(await devnet.status());
      printGateways(devnet);
      return 0;
    }
    default:
      return 2;
  }
}
