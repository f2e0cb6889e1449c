/** The `--hosts` commands of `npm run devnet`, and link, partition, heal, admit. */
import { DevnetError } from './errors';
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

export async function hostsCommand(command: string | undefined, args: string[]): Promise<number> {
  const devnet = new HostsDevnet();
  switch (command) {
    case 'up': {
      const report = await devnet.up();
      console.log(
        `hosts up in ${report.seconds.toFixed(1)} s${report.started.length ? ` (started ${report.started.length})` : ' (already up)'}`,
      );
      printHostsStatus(await devnet.status());
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
      printHostsStatus(await devnet.status());
      return 0;
    }
    default:
      return 2;
  }
}
