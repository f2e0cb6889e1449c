/**
 * One gateway per organisation across hosts: on each organisation's host its own gateway
 * (API and portal, on the host's address, port 3000), with its own PostgreSQL and Redis,
 * its own peer's events for its index, and the accounts and keys of its own officers only
 * (made and kept on that host, see host-gateway-cli.ts). Officers sign in at their own
 * organisation's gateway; traders at the customs service's they declare to; the e-lock
 * operators' gateway takes the readings and anchors them.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { HOST_PORTS } from './definition';
import { REPO_ROOT } from './devnet';
import { DevnetError } from './errors';
import { officersOf, readGatewaySecrets } from './host-gateway-cli';
import type { HostsDevnet } from './hosts-devnet';
import type { HostPlan } from './layout';
import type { GatewaySecrets } from './gateway-secrets';

export const GATEWAY_PROCESS = 'gateway';
const CLI = path.join(REPO_ROOT, 'devnet', 'dist', 'host-gateway-cli.js');

export interface HostGateway {
  host: string;
  organisation: string;
  /** Where the launcher (and a test) reaches it: the host's own address. */
  url: string;
  /** Its name on every host (`gateway.<domain>`), proxied across the border. */
  name: string;
}

/** The organisation hosts that run a gateway: a peer, services, and officers of their own. */
function gatewayHosts(devnet: HostsDevnet): HostPlan[] {
  return devnet
    .network()
    .hosts.filter((h) => h.services && h.peerOrg && officersOf(h.peerOrg).length > 0);
}

/** Each organisation's gateway: its host, address and name. */
export function hostGateways(devnet: HostsDevnet): HostGateway[] {
  const net = devnet.network();
  return gatewayHosts(devnet).map((host) => {
    const org = net.layout.peerOrgs.find((o) => o.key === host.peerOrg);
    return {
      host: host.key,
      organisation: host.peerOrg as string,
      url: `http://${host.address}:${HOST_PORTS.gateway}`,
      name: `gateway.${org?.domain ?? host.key}`,
    };
  });
}

/** The gateway of `organisation`, or an error naming the ones there are. */
export function hostGateway(devnet: HostsDevnet, organisation: string): HostGateway {
  const all = hostGateways(devnet);
  const found = all.find((g) => g.organisation === organisation);
  if (!found)
    throw new DevnetError(
      'BAD_ARGUMENT',
      `no gateway of ${organisation} (gateways: ${all.map((g) => g.organisation).join(', ')})`,
    );
  return found;
}

/** A host gateway's secrets (passwords, tag keys), as its organisation's people get them. */
export function hostGatewaySecrets(devnet: HostsDevnet, organisation: string): GatewaySecrets {
  return readGatewaySecrets(devnet.hostPaths(hostGateway(devnet, organisation).host).root);
}

/**
 * Prepares (accounts, secrets, sign-in sheet, on the host) and starts every organisation's
 * gateway that is not running healthy. Resolves with the `<host>/gateway` names started.
 */
export async function startHostGateways(
  devnet: HostsDevnet,
  options: { logLevel?: string; signatureThreads?: number } = {},
): Promise<string[]> {
  const started: string[] = [];
  const connections = devnet.paths.connections;
  // Each host's gateway on its own: prepared and started side by side.
  const startOne = async (gateway: HostGateway): Promise<void> => {
    const { host, organisation } = gateway;
    const hostRoot = devnet.hostPaths(host).root;
    const urls = await devnet.services(host);
    if (devnet.pidOn(host, GATEWAY_PROCESS) === undefined) {
      const via = devnet.via(host);
      await new Promise<void>((resolve, reject) =>
        execFile(
          via[0] as string,
          [...via.slice(1), process.execPath, CLI, 'prepare', organisation, hostRoot, connections],
          { env: { ...process.env, DATABASE_URL: urls.databaseUrl }, timeout: 120_000 },
          (error, _stdout, stderr) =>
            error
              ? reject(
                  new DevnetError(
                    'STEP_FAILED',
                    `preparing ${organisation}'s gateway on ${host} failed: ${stderr || error.message}`,
                  ),
                )
              : resolve(),
        ),
      );
    }
    const operator = officersOf(organisation).find((o) => o.role === 'seal-operator');
    const address = gateway.url.slice('http://'.length).split(':')[0] as string;
    const pid = await devnet.startOnHost(host, {
      name: GATEWAY_PROCESS,
      command: process.execPath,
      args: [CLI, 'serve', organisation, hostRoot],
      env: {
        HOST: address,
        PORT: String(HOST_PORTS.gateway),
        LOG_LEVEL: options.logLevel ?? 'info',
        HOME_ORGANISATION: organisation,
        FABRIC_CONNECTION: devnet.connectionFile(organisation),
        DATABASE_URL: urls.databaseUrl,
        REDIS_URL: urls.redisUrl,
        PORTAL_DIR: path.join(REPO_ROOT, 'portal', 'dist'),
        ...(options.signatureThreads === undefined
          ? {}
          : { SIGNATURE_THREADS: String(options.signatureThreads) }),
        ...(operator
          ? { SEAL_OPERATOR_CONNECTION: devnet.connectionFile(`${organisation}/${operator.name}`) }
          : {}),
      },
      health: [{ kind: 'http', url: `${gateway.url}/healthz` }],
    });
    if (pid !== undefined) started.push(`${host}/${GATEWAY_PROCESS}`);
  };
  await Promise.all(hostGateways(devnet).map(startOne));
  return started.sort();
}

/** Stops every organisation's gateway (resolves with the hosts where one ran). */
export async function stopHostGateways(devnet: HostsDevnet): Promise<string[]> {
  const stopped: string[] = [];
  for (const { host } of hostGateways(devnet))
    if (await devnet.stopOnHost(host, GATEWAY_PROCESS)) stopped.push(host);
  return stopped;
}
