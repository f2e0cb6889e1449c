/**
 * The network definition laid out for one way of running it: on one host (loopback ports)
 * or across hosts (one address per host, TLS host names, proxies on the border links).
 * Pure: from definition.ts and a checkout's folder to addresses, names and plans.
 */
import { createHash } from 'node:crypto';
import {
  BORDER_HOST,
  BORDER_LINKS,
  CANDIDATES,
  HOSTS,
  HOSTS_ORDERER_ORGS,
  HOSTS_POLICIES,
  HOST_PORTS,
  LAUNCHER_OCTET,
  PEER_ORGS,
  PEERLESS_ORGS,
  PROXIED_PORTS,
  PROXY_OCTET_BASE,
  SINGLE_HOST_POLICIES,
  ordererOrg,
  type ChannelPolicies,
  type HostDef,
  type OrdererCount,
  type OrdererOrg,
  type PeerOrg,
  type PeerlessOrg,
  type PolicyDef,
  type SiteKey,
} from './definition';
import { DevnetError } from './errors';

export interface Layout {
  kind: 'single' | 'hosts';
  peerOrgs: readonly PeerOrg[];
  /** On the channel without a peer of their own (one host only; see PEERLESS_ORGS). */
  peerlessOrgs: readonly PeerlessOrg[];
  ordererOrgs: readonly OrdererOrg[];
  policies: ChannelPolicies;
}

export function singleHostLayout(orderers: OrdererCount | OrdererOrg): Layout {
  return {
    kind: 'single',
    peerOrgs: PEER_ORGS,
    peerlessOrgs: PEERLESS_ORGS,
    ordererOrgs: [typeof orderers === 'number' ? ordererOrg(orderers) : orderers],
    policies: SINGLE_HOST_POLICIES,
  };
}

/** One host of the hosts network, with its address. */
export interface HostPlan extends HostDef {
  address: string;
}

/** A proxy of the border host: `listen` stands for `toHost` as seen from `fromSite`. */
export interface ProxyPlan {
  name: string;
  fromSite: SiteKey;
  toHost: string;
  listen: string;
  upstream: string;
  latencyMs: number;
  jitterMs: number;
}

export interface HostsNetwork {
  layout: Layout;
  /** Names the checkout's bridge and interfaces, so two checkouts never share one. */
  prefix: string;
  /** The checkout's /24, as its first three bytes: `10.251.N`. */
  subnet: string;
  launcherAddress: string;
  hosts: HostPlan[];
  border: { key: string; address: string };
  proxies: ProxyPlan[];
}

/**
 * Per checkout: the prefix of its interface names and its /24 in 10.251.0.0/16 (outside
 * 10.250.0.0/16, which the helpers' own namespaces use), both from the checkout's folder.
 */
export function checkoutNaming(checkoutRoot: string): { prefix: string; subnet: string } {
  const digest = createHash('sha256').update(checkoutRoot).digest();
  return {
    prefix: `cl${digest.subarray(0, 2).toString('hex')}`,
    subnet: `10.251.${digest[2] ?? 0}`,
  };
}

export function peerHostName(org: Pick<PeerOrg, 'domain'>): string {
  return `peer0.${org.domain}`;
}
export function gatewayHostName(org: Pick<PeerOrg, 'domain'>): string {
  return `gateway.${org.domain}`;
}
export const ORDERER_NODE = 'orderer0';

function candidate(key: string): (typeof CANDIDATES)[number] {
  const found = CANDIDATES.find((c) => c.host.key === key || c.org.key === key);
  if (!found) {
    throw new DevnetError(
      'BAD_ARGUMENT',
      `no organisation ${key} waits to be admitted (candidates: ${CANDIDATES.map((c) => c.host.key).join(', ')})`,
    );
  }
  return found;
}

/** The candidate (by host or organisation key) to admit. */
export function candidateOf(key: string): (typeof CANDIDATES)[number] {
  return candidate(key);
}

/** The hosts network of a checkout, with the candidates already admitted (host keys). */
export function hostsNetwork(checkoutRoot: string, admitted: readonly string[] = []): HostsNetwork {
  const { prefix, subnet } = checkoutNaming(checkoutRoot);
  const at = (octet: number): string => `${subnet}.${octet}`;
  const defs: HostDef[] = [...HOSTS, ...admitted.map((k) => candidate(k).host)];
  const hosts: HostPlan[] = defs.map((h) => ({ ...h, address: at(h.octet) }));
  const hostOf = (key: string): HostPlan => {
    const host = hosts.find((h) => h.key === key);
    if (!host) throw new DevnetError('BAD_ARGUMENT', `no host ${key} in the definition`);
    return host;
  };

  const orgDefs = [...PEER_ORGS, ...admitted.map((k) => candidate(k).org)];
  const peerOrgs: PeerOrg[] = orgDefs.map((org) => {
    const host = hosts.find((h) => h.peerOrg === org.key);
    if (!host) throw new DevnetError('BAD_ARGUMENT', `no host runs the peer of ${org.key}`);
    return {
      key: org.key,
      mspId: org.mspId,
      domain: org.domain,
      peer: {
        host: host.address,
        endpoint: peerHostName(org),
        port: HOST_PORTS.peer,
        chaincodePort: HOST_PORTS.peerChaincode,
        operationsPort: HOST_PORTS.peerOperations,
      },
    };
  });
  const ordererOrgs: OrdererOrg[] = HOSTS_ORDERER_ORGS.map((o) => ({
    mspId: o.mspId,
    domain: o.domain,
    nodes: [
      {
        name: ORDERER_NODE,
        host: hostOf(o.host).address,
        endpoint: `${ORDERER_NODE}.${o.domain}`,
        port: HOST_PORTS.orderer,
        adminPort: HOST_PORTS.ordererAdmin,
        operationsPort: HOST_PORTS.ordererOperations,
      },
    ],
  }));

  const proxies: ProxyPlan[] = [];
  let next = PROXY_OCTET_BASE;
  for (const link of BORDER_LINKS) {
    for (const [from, to] of [link.sites, [link.sites[1], link.sites[0]]] as const) {
      // Numbered over every host the definition knows, admitted or not: admitting one later
      // adds its proxies without moving those already listening (a Toxiproxy populate would
      // refuse the address another proxy holds).
      for (const def of [...HOSTS, ...CANDIDATES.map((c) => c.host)]) {
        if (def.site !== to) continue;
        const listen = at(next++);
        const host = hosts.find((h) => h.key === def.key);
        if (!host) continue;
        for (const port of servedPorts(host)) {
          proxies.push({
            name: `${from}-to-${host.key}-${port}`,
            fromSite: from,
            toHost: host.key,
            listen: `${listen}:${port}`,
            upstream: `${host.address}:${port}`,
            latencyMs: link.latencyMs,
            jitterMs: link.jitterMs,
          });
        }
      }
    }
  }
  return {
    layout: { kind: 'hosts', peerOrgs, peerlessOrgs: [], ordererOrgs, policies: HOSTS_POLICIES },
    prefix,
    subnet,
    launcherAddress: at(LAUNCHER_OCTET),
    hosts,
    border: { key: BORDER_HOST.key, address: at(BORDER_HOST.octet) },
    proxies,
  };
}

/** The ports of a host that other hosts use (each is proxied across a border link). */
export function servedPorts(host: HostDef): number[] {
  return PROXIED_PORTS.filter(
    (port) =>
      (port === HOST_PORTS.peer && host.peerOrg !== undefined) ||
      (port === HOST_PORTS.orderer && host.ordererOrg !== undefined) ||
      (port === HOST_PORTS.gateway && host.services),
  );
}

/** The TLS host names a host answers to. */
export function hostNames(net: HostsNetwork, host: HostDef): string[] {
  const names: string[] = [];
  const org = net.layout.peerOrgs.find((o) => o.key === host.peerOrg);
  if (org) names.push(peerHostName(org));
  if (org && host.services) names.push(gatewayHostName(org));
  const orderers = HOSTS_ORDERER_ORGS.find((o) => o.mspId === host.ordererOrg);
  if (orderers) names.push(`${ORDERER_NODE}.${orderers.domain}`);
  return names;
}

/**
 * /etc/hosts as `host` sees the network: every name at its host's address, or at the proxy
 * address that stands for that host when a border link lies between the two sites.
 */
export function hostsFile(net: HostsNetwork, hostKey: string): string {
  const self = net.hosts.find((h) => h.key === hostKey);
  const site = self?.site;
  const lines = ['127.0.0.1 localhost', '::1 localhost'];
  for (const host of net.hosts) {
    const proxy = net.proxies.find((p) => p.fromSite === site && p.toHost === host.key);
    const address = proxy ? (proxy.listen.split(':')[0] as string) : host.address;
    for (const name of hostNames(net, host)) lines.push(`${address} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The hosts of a side named on the command line: a site key, a host key, or a comma list. */
export function hostsOfSide(net: HostsNetwork, side: string): HostPlan[] {
  const hosts = side.split(',').flatMap((name) => {
    const matched = net.hosts.filter((h) => h.site === name || h.key === name);
    if (matched.length === 0) {
      throw new DevnetError(
        'BAD_ARGUMENT',
        `${name} is neither a site (${[...new Set(net.hosts.map((h) => h.site))].join(', ')}) nor a host (${net.hosts.map((h) => h.key).join(', ')})`,
      );
    }
    return matched;
  });
  return [...new Map(hosts.map((h) => [h.key, h])).values()];
}

/**
 * Every address by which hosts of `sideA` reach hosts of `sideB` and back: their own
 * addresses and the proxy addresses standing for them. A partition drops all of these.
 */
export function partitionAddresses(
  net: HostsNetwork,
  from: readonly HostPlan[],
  to: readonly HostPlan[],
): string[] {
  const sites = new Set(from.map((h) => h.site));
  const keys = new Set(to.map((h) => h.key));
  const standIns = net.proxies
    .filter((p) => sites.has(p.fromSite) && keys.has(p.toHost))
    .map((p) => p.listen.split(':')[0] as string);
  return [...new Set([...to.map((h) => h.address), ...standIns])].sort();
}

/**
 * The MSP ids whose admins a policy of the form AND('A.admin', 'B.admin', …) requires. Any
 * other form is refused: the launcher collects signatures only for explicit AND policies.
 */
export function requiredAdmins(policy: PolicyDef): string[] {
  const rule = policy.Rule.replace(/\s+/g, '');
  const match = /^AND\(((?:'[A-Za-z0-9.-]+\.admin',?)+)\)$/.exec(rule);
  if (policy.Type !== 'Signature' || !match?.[1]) {
    throw new DevnetError(
      'BAD_ARGUMENT',
      `cannot tell whose signatures ${policy.Type} ${policy.Rule} needs (only AND('X.admin', …) is supported)`,
    );
  }
  return match[1]
    .split(',')
    .filter(Boolean)
    .map((p) => p.replace(/'/g, '').replace(/\.admin$/, ''));
}
