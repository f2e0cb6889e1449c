#!/usr/bin/env node
/**
 * `npm run devnet -- up [--orderers 3] | down | status | reset`, and `install-fabric`; with
 * `--hosts`, the same across hosts, plus `link`, `partition`, `heal`, `admit`.
 */
import { Devnet, type DevnetStatus } from './devnet';
import { DevnetError, printError } from './errors';
import { installToxiproxy } from './border';
import { ensureConfigtxlator, installFabric } from './fabric';
import { hostsCommand } from './hosts-cli';

const USAGE = `usage: devnet up [--orderers 1|3] | down | status | reset | services | install-fabric
       devnet up --hosts [--no-gateways] | down --hosts | status --hosts | reset --hosts
       devnet link --latency MS --jitter MS        (border links, per direction)
       devnet partition SIDE SIDE | heal            (a side: a site gd|hk|neutral|mo, a host, or a comma list)
       devnet admit macao                           (a channel configuration update, then its host)`;

function parseOrderers(args: string[]): 1 | 3 | undefined {
  const i = args.indexOf('--orderers');
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === '1' || value === '3') return Number(value) as 1 | 3;
  throw new DevnetError('BAD_ARGUMENT', `--orderers takes 1 or 3, not ${value ?? '(nothing)'}`);
}

function printStatus(status: DevnetStatus): void {
  console.log(`devnet in ${status.root} (Fabric ${status.fabricVersion})`);
  for (const p of status.processes) {
    const state = p.pid === undefined ? 'stopped' : p.healthy ? 'healthy' : 'UNHEALTHY';
    console.log(
      `  ${p.name.padEnd(16)} ${state.padEnd(9)} pid ${String(p.pid ?? '-').padEnd(8)} ${p.ports.join(', ')}`,
    );
  }
  console.log(`  channel clearance height: ${status.channelHeight ?? 'unknown (no healthy peer)'}`);
  const cc = status.chaincode;
  console.log(
    cc
      ? `  chaincode clearance: version ${cc.version}, sequence ${cc.sequence}, package ${cc.packageId ?? '?'}`
      : '  chaincode clearance: not committed',
  );
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes('--hosts') || ['link', 'partition', 'heal', 'admit'].includes(command ?? '')) {
    const code = await hostsCommand(
      command,
      rest.filter((a) => a !== '--hosts'),
    );
    if (code === 2) console.error(USAGE);
    return code;
  }
  const devnet = new Devnet({ orderers: parseOrderers(rest) });
  switch (command) {
    case 'up': {
      const report = await devnet.up();
      const verb =
        report.started.length === 0 ? 'already up' : `up in ${report.seconds.toFixed(1)} s`;
      console.log(`devnet ${verb}${report.freshCrypto ? ' (fresh crypto)' : ''}`);
      if (report.started.length > 0) console.log(`  started: ${report.started.join(', ')}`);
      return 0;
    }
    case 'down': {
      const stopped = await devnet.down();
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'reset': {
      const stopped = await devnet.reset();
      console.log(`devnet wiped${stopped.length ? ` (stopped ${stopped.join(', ')})` : ''}`);
      return 0;
    }
    case 'status': {
      const status = await devnet.status();
      printStatus(status);
      return status.processes.every((p) => p.healthy) ? 0 : 3;
    }
    case 'services': {
      const urls = await devnet.services();
      console.log(`DATABASE_URL=${urls.databaseUrl}\nREDIS_URL=${urls.redisUrl}`);
      return 0;
    }
    case 'install-fabric': {
      const home = await installFabric();
      // Hosts mode's tools, built into the same cache (not for a FABRIC_HOME of one's own).
      if (!process.env.FABRIC_HOME) {
        await ensureConfigtxlator(home);
        await installToxiproxy();
      }
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    printError(error);
    process.exit(1);
  },
);
