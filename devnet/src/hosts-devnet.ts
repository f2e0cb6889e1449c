/**
 * The clearance network across hosts: one network namespace per organisation host (its
 * peer, its own chaincode server, its PostgreSQL and Redis, a slot for its gateway), the
 * ordering service on GD customs', HK customs' and a third party's hosts, Toxiproxy on the
 * border links. Rendered from the same definition as the single-host devnet; state in
 * `.devnet-hosts/` (network-wide material) and `.devnet-hosts/hosts/<host>/` (each host's
 * config, data, logs, pid files). `up` converges from whatever it finds; `down` stops
 * exactly what it tracks and removes the namespaces and the bridge.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { FabricAdmin, type AdminPlacement } from './admin';
import {
  chaincodeTlsFile,
  cryptoExists,
  ensureOfficers,
  generateCrypto,
  writeChaincodePackage,
  writeCollections,
  writeConnectionDescriptors,
} from './artifacts';
import { BorderProxy, installToxiproxy, toxiproxyBin, type LinkLatency } from './border';
import {
  CHAINCODES,
  chaincodeProcessName,
  type ChaincodeDef,
  CHANNEL_NAME,
  HOST_PORTS,
  HOST,
  type OrdererNode,
  type OrdererOrg,
  type PeerOrg,
} from './definition';
import { REPO_ROOT, chaincodeCodeHash, CHAINCODE_DIR, CCAAS_BUILDER_DIR } from './devnet';
import { DevnetError } from './errors';
import { hasChannelParticipation, requireFabric, type FabricHome } from './fabric';
import {
  HOLDER,
  cutAddresses,
  cutOff,
  enterHost,
  ensureBridge,
  ensureHost,
  healCuts,
  hideOnHost,
  hostPid,
  removeBridge,
  removeHost,
  requireHostTools,
} from './hosts';
import { admitOrganisation } from './admit';
import {
  candidateOf,
  hostsFile,
  hostsNetwork,
  hostsOfSide,
  partitionAddresses,
  type HostPlan,
  type HostsNetwork,
} from './layout';
import { DevnetPaths } from './paths';
import {
  ensureRunning,
  runningPid,
  sleep,
  stopProcess,
  trackedNames,
  type HealthCheck,
  type ProcessSpec,
} from './processes';
import {
  HOSTS_ORDERER_KEEPALIVE,
  HOSTS_PEER_KEEPALIVE,
  ordererYaml,
  peerCoreYaml,
  SYSTEM_CHANNEL,
  withSettings,
} from './render';
import { ensureServices, postgresRoot, removePostgresData, type ServiceUrls } from './services';

export interface HostsDevnetOptions {
  /** State folder; default `<repo>/.devnet-hosts`. */
  root?: string;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** What `up` keeps between runs (settings.json in the state folder). */
export interface HostsSettings {
  /** Candidates admitted by a configuration update (host keys). */
  admitted: string[];
  /** Each organisation's own package id of each definition (`<org>:<definition>`). */
  packageIds: Record<string, string>;
  /** Organisations whose approval of each chaincode definition is recorded. */
  approved: Record<string, string[]>;
  /** `devnet link`'s setting; absent: each link's default from the definition. */
  latency?: LinkLatency;
}

/** A process started on a host: its command runs inside the host's namespaces. */
export interface HostProcess {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Checks from the launcher (the host's own address) or, with `via`, on the host. */
  health?: HealthCheck[];
}

export interface HostStatus {
  key: string;
  site: string;
  address: string;
  names: string[];
  up: boolean;
  processes: { name: string; pid?: number; healthy: boolean; rssMb?: number }[];
  /** Channel height at its peer or orderer (their operations metrics). */
  heights: Record<string, number | undefined>;
  raftLeader?: boolean;
  cutOffFrom: string[];
  rssMb: number;
}

export interface HostsStatus {
  root: string;
  prefix: string;
  subnet: string;
  hosts: HostStatus[];
  proxies: { name: string; listen: string; upstream: string; latency?: LinkLatency }[];
}

/** Order in which `down` stops a host's processes: clients first, the namespace last. */
const STOP_ORDER = [
  'gateway',
  ...CHAINCODES.map(chaincodeProcessName),
  'peer',
  'orderer0',
  'toxiproxy',
  'postgres',
  'redis',
];

export class HostsDevnet {
  readonly paths: DevnetPaths;
  private readonly log: (line: string) => void;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: HostsDevnetOptions = {}) {
    this.paths = new DevnetPaths(
      path.resolve(options.root ?? path.join(REPO_ROOT, '.devnet-hosts')),
    );
    this.log = options.log ?? ((line) => console.log(line));
    this.env = options.env ?? process.env;
  }

  // ---- state ---------------------------------------------------------------------------

  readSettings(): HostsSettings {
    const file = this.paths.settingsFile;
    const stored = fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<HostsSettings>)
      : {};
    return { admitted: [], packageIds: {}, approved: {}, ...stored };
  }

  writeSettings(settings: HostsSettings): void {
    fs.mkdirSync(this.paths.root, { recursive: true });
    fs.writeFileSync(this.paths.settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  }

  /** The network as laid out now (with the organisations admitted so far). */
  network(admitted = this.readSettings().admitted): HostsNetwork {
    return hostsNetwork(this.paths.root, admitted);
  }

  /** A host's own state folder (config, data, logs, pids), sharing the network's material. */
  hostPaths(hostKey: string): DevnetPaths {
    return new DevnetPaths(path.join(this.paths.root, 'hosts', hostKey), this.paths.root);
  }

  private host(net: HostsNetwork, key: string): HostPlan {
    const host = net.hosts.find((h) => h.key === key);
    if (!host) {
      throw new DevnetError(
        'BAD_ARGUMENT',
        `no host ${key} (hosts: ${net.hosts.map((h) => h.key).join(', ')})`,
      );
    }
    return host;
  }

  private hostOfOrg(net: HostsNetwork, org: PeerOrg): HostPlan {
    const host = net.hosts.find((h) => h.peerOrg === org.key);
    if (!host) throw new DevnetError('BAD_ARGUMENT', `no host runs ${org.mspId}'s peer`);
    return host;
  }

  /** A host of the definition (organisation hosts, admitted ones, the border), or an error. */
  private assertHost(hostKey: string): void {
    const net = this.network();
    const known = [...net.hosts.map((h) => h.key), net.border.key];
    if (!known.includes(hostKey)) {
      throw new DevnetError('BAD_ARGUMENT', `no host ${hostKey} (hosts: ${known.join(', ')})`);
    }
  }

  /** The command prefix that runs a command on `hostKey` (which must be up). */
  via(hostKey: string, cwd = REPO_ROOT): string[] {
    this.assertHost(hostKey);
    const pid = hostPid(this.hostPaths(hostKey));
    if (pid === undefined) {
      throw new DevnetError(
        'STEP_FAILED',
        `host ${hostKey} is not up`,
        'run `npm run devnet -- up --hosts`',
      );
    }
    return enterHost(pid, cwd);
  }

  private get fabric(): FabricHome {
    const fabric = requireFabric(this.env);
    if (hasChannelParticipation(fabric.version)) {
      throw new DevnetError(
        'BAD_ARGUMENT',
        `hosts mode runs Fabric 2.1's system channel; FABRIC_HOME is ${fabric.version}`,
        'unset FABRIC_HOME to use the 2.1.1 build',
      );
    }
    return fabric;
  }

  /** Admin acts, each organisation's from its own host, to an orderer of its side. */
  admin(net = this.network()): FabricAdmin {
    const orderers = net.layout.ordererOrgs;
    const placement: AdminPlacement = {
      peerOrgs: net.layout.peerOrgs,
      onHost: (org) => this.via(this.hostOfOrg(net, org).key),
      pathsOf: (org) => this.hostPaths(this.hostOfOrg(net, org).key),
      ordererOf: (org) => ordererFor(net, this.hostOfOrg(net, org), orderers),
    };
    return new FabricAdmin(this.fabric, this.paths, orderers[0] as OrdererOrg, placement);
  }

  /**
   * Starts `process` on `hostKey` unless it runs healthy there: pid file and log under
   * `.devnet-hosts/hosts/<host>/`, stopped by `down` like every other process. This is the
   * slot for an organisation's gateway (name it `gateway`). Resolves with the new pid, or
   * undefined when it was already running.
   */
  async startOnHost(hostKey: string, process_: HostProcess): Promise<number | undefined> {
    // The name becomes a pid file and a log file name: no paths, not the namespace's own.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(process_.name) || process_.name === HOLDER) {
      throw new DevnetError(
        'BAD_ARGUMENT',
        `${JSON.stringify(process_.name)} cannot name a process`,
      );
    }
    const cwd = process_.cwd ?? REPO_ROOT;
    const via = this.via(hostKey, cwd);
    const spec: ProcessSpec = {
      name: process_.name,
      command: via[0] as string,
      args: [...via.slice(1), process_.command, ...process_.args],
      env: process_.env ?? {},
      cwd,
      ports: [],
      health: process_.health ?? [],
      onHost: hostKey,
    };
    return ensureRunning(this.hostPaths(hostKey), spec);
  }

  /** Stops a process started with startOnHost (true when it was running). */
  stopOnHost(hostKey: string, name: string): Promise<boolean> {
    this.assertHost(hostKey);
    return stopProcess(this.hostPaths(hostKey), name);
  }

  pidOn(hostKey: string, name: string): number | undefined {
    this.assertHost(hostKey);
    return runningPid(this.hostPaths(hostKey), name);
  }

  // ---- up ------------------------------------------------------------------------------

  async up(): Promise<{ seconds: number; started: string[] }> {
    const t0 = Date.now();
    await requireHostTools();
    const fabric = this.fabric;
    if (!fs.existsSync(path.join(CHAINCODE_DIR, 'dist', 'index.js'))) {
      throw new DevnetError(
        'DEPENDENCY_MISSING',
        'the chaincode is not built',
        'run `npm run build`',
      );
    }
    const settings = this.readSettings();
    const net = this.network(settings.admitted);
    const started: string[] = [];
    const track = (host: string, name: string, pid: number | undefined): void => {
      if (pid !== undefined) {
        started.push(`${host}/${name}`);
        this.log(`  started ${host}/${name} (pid ${pid})`);
      }
    };

    if (!cryptoExists(this.paths)) {
      this.log(`generating crypto and the channel artefacts in ${this.paths.root}`);
      await generateCrypto(fabric, this.paths, hostsNetwork(this.paths.root, []).layout);
    }
    this.log(`hosts on ${net.subnet}.0/24 (bridge ${net.prefix}-br)`);
    await this.ensureHosts(net, started);
    await this.ensureBorder(net, settings, track);

    const sampleCore = YAML.parse(
      fs.readFileSync(path.join(fabric.config, 'core.yaml'), 'utf8'),
    ) as Record<string, unknown>;
    const sampleOrderer = YAML.parse(
      fs.readFileSync(path.join(fabric.config, 'orderer.yaml'), 'utf8'),
    ) as Record<string, unknown>;
    await ensureOfficers(this.paths, net.layout.peerOrgs);
    writeConnectionDescriptors(this.paths, net.layout);
    for (const org of net.layout.peerOrgs)
      for (const cc of CHAINCODES)
        settings.packageIds[packageKey(org, cc)] = await writeChaincodePackage(
          this.paths,
          { key: org.key, address: `${HOST}:${cc.serverPort.hosts}` },
          cc,
        );
    this.writeSettings(settings);
    // Every peer's config first: admins run the peer CLI with it, orderer acts included.
    for (const org of net.layout.peerOrgs) {
      const paths = this.hostPaths(this.hostOfOrg(net, org).key);
      writeYaml(
        path.join(paths.peerConfigDir(org), 'core.yaml'),
        withSettings(
          peerCoreYaml(sampleCore, org, paths, CCAAS_BUILDER_DIR, fabric.version),
          HOSTS_PEER_KEEPALIVE,
        ),
      );
      writeCollections(paths);
    }

    this.log('orderers');
    await Promise.all(
      net.layout.ordererOrgs.flatMap((orderers) =>
        orderers.nodes.map(async (node) => {
          const host = hostOfAddress(net, node.host);
          const paths = this.hostPaths(host.key);
          writeYaml(
            path.join(paths.ordererConfigDir(node), 'orderer.yaml'),
            withSettings(
              ordererYaml(sampleOrderer, orderers, node, paths, this.paths.systemGenesisBlock),
              HOSTS_ORDERER_KEEPALIVE,
            ),
          );
          track(
            host.key,
            node.name,
            await this.startFabric(
              host,
              node.name,
              'orderer',
              [],
              {
                FABRIC_CFG_PATH: paths.ordererConfigDir(node),
              },
              [
                { kind: 'http', url: `http://${node.host}:${node.operationsPort}/healthz` },
                { kind: 'tcp', host: node.host, port: node.port },
              ],
            ),
          );
        }),
      ),
    );
    const admin = this.admin(net);
    if (await admin.createChannel()) this.log(`  channel ${CHANNEL_NAME} created`);
    await waitForRaftLeader(net, [SYSTEM_CHANNEL, CHANNEL_NAME]);

    this.log('peers');
    await Promise.all(
      net.layout.peerOrgs.map(async (org) => {
        const host = this.hostOfOrg(net, org);
        const paths = this.hostPaths(host.key);
        track(
          host.key,
          'peer',
          await this.startFabric(
            host,
            'peer',
            'peer',
            ['node', 'start'],
            {
              FABRIC_CFG_PATH: paths.peerConfigDir(org),
            },
            [
              { kind: 'http', url: `http://${org.peer.host}:${org.peer.operationsPort}/healthz` },
              { kind: 'tcp', host: org.peer.host, port: org.peer.port },
            ],
          ),
        );
      }),
    );
    await Promise.all(
      net.layout.peerOrgs.map(async (org) => {
        if (await admin.joinPeer(org)) this.log(`  ${org.key}'s peer joined the channel`);
      }),
    );
    for (const org of net.layout.peerOrgs) {
      const done = `${this.paths.anchorsTx(org)}.done`;
      // An admitted organisation's anchor peer came with its definition.
      if (fs.existsSync(done) || !fs.existsSync(this.paths.anchorsTx(org))) continue;
      if (await admin.setAnchorPeer(org)) this.log(`  anchor peer of ${org.mspId} set`);
      fs.writeFileSync(done, '');
    }

    this.log('chaincode: each organisation its own server and package');
    await Promise.all(
      net.layout.peerOrgs.map(async (org) => {
        const host = this.hostOfOrg(net, org);
        for (const cc of CHAINCODES)
          track(
            host.key,
            chaincodeProcessName(cc),
            await this.ensureChaincodeServer(host, org, cc, settings),
          );
      }),
    );
    await this.deployChaincodes(net, admin, settings);

    this.log('services: PostgreSQL and Redis per host');
    for (const host of net.hosts.filter((h) => h.services)) {
      const urls = await this.services(host.key);
      for (const name of urls.started) track(host.key, name, this.pidOn(host.key, name));
    }
    await this.keepSecretsHome(net);
    await waitForGossip(net);
    return { seconds: (Date.now() - t0) / 1000, started };
  }

  /**
   * What each host must not read: every other organisation's private keys (CA, TLS CA,
   * nodes', users', officers', chaincode TLS) and other hosts' state folders and databases.
   * Hidden in each host's own mount namespace, so a process started there (a gateway)
   * cannot read another organisation's keys even by path.
   */
  foreignSecrets(net: HostsNetwork, hostKey: string): string[] {
    const host = net.hosts.find((h) => h.key === hostKey);
    const paths = this.paths;
    const hidden: string[] = [];
    for (const org of net.layout.peerOrgs.filter((o) => o.key !== host?.peerOrg)) {
      const dir = paths.peerOrgDir(org);
      hidden.push(
        path.join(dir, 'ca', 'priv_sk'),
        path.join(dir, 'tlsca', 'priv_sk'),
        path.join(dir, 'users'),
        path.join(dir, 'officers'),
        path.join(paths.peerNodeDir(org), 'msp', 'keystore'),
        path.join(paths.peerNodeDir(org), 'tls', 'server.key'),
        path.dirname(chaincodeTlsFile(paths, 'caCert', org.key)),
      );
    }
    for (const orderers of net.layout.ordererOrgs.filter((o) => o.mspId !== host?.ordererOrg)) {
      const dir = paths.ordererOrgDir(orderers);
      hidden.push(
        path.join(dir, 'ca', 'priv_sk'),
        path.join(dir, 'tlsca', 'priv_sk'),
        path.join(dir, 'users'),
        ...orderers.nodes.flatMap((node) => [
          path.join(paths.ordererNodeDir(orderers, node), 'msp', 'keystore'),
          path.join(paths.ordererNodeDir(orderers, node), 'tls', 'server.key'),
        ]),
      );
    }
    for (const other of [...net.hosts.map((h) => h.key), net.border.key]) {
      if (other === hostKey) continue;
      hidden.push(this.hostPaths(other).root, postgresRoot(this.hostPaths(other)));
    }
    return hidden;
  }

  private async keepSecretsHome(net: HostsNetwork): Promise<void> {
    for (const key of [...net.hosts.map((h) => h.key), net.border.key]) {
      const pid = hostPid(this.hostPaths(key));
      if (pid !== undefined) await hideOnHost(pid, this.foreignSecrets(net, key));
    }
  }

  /** The bridge, the border host, and each organisation host with its /etc/hosts. */
  private async ensureHosts(net: HostsNetwork, started: string[]): Promise<void> {
    if (await ensureBridge(net)) started.push(`bridge ${net.prefix}-br`);
    const standIns = [...new Set(net.proxies.map((p) => p.listen.split(':')[0] as string))];
    const border = { key: net.border.key, octet: Number(net.border.address.split('.')[3]) };
    await ensureHost(net, this.hostPaths(border.key), {
      ...border,
      addresses: [net.border.address, ...standIns],
      hostsFile: hostsFile(net, border.key),
    });
    for (const host of net.hosts) {
      await ensureHost(net, this.hostPaths(host.key), {
        key: host.key,
        octet: host.octet,
        addresses: [host.address],
        hostsFile: hostsFile(net, host.key),
      });
    }
  }

  private async ensureBorder(
    net: HostsNetwork,
    settings: HostsSettings,
    track: (host: string, name: string, pid: number | undefined) => void,
  ): Promise<void> {
    const bin = await installToxiproxy(this.log, this.env);
    const api = `http://${net.border.address}:${HOST_PORTS.proxyApi}`;
    const via = this.via(net.border.key);
    track(
      net.border.key,
      'toxiproxy',
      await ensureRunning(this.hostPaths(net.border.key), {
        name: 'toxiproxy',
        command: via[0] as string,
        args: [
          ...via.slice(1),
          bin,
          '-host',
          net.border.address,
          '-port',
          String(HOST_PORTS.proxyApi),
        ],
        env: {},
        ports: [],
        health: [{ kind: 'http', url: `${api}/version` }],
        onHost: net.border.key,
      }),
    );
    await new BorderProxy(api).configure(net.proxies, settings.latency);
  }

  private startFabric(
    host: HostPlan,
    name: string,
    binary: string,
    args: string[],
    env: Record<string, string>,
    health: HealthCheck[],
  ): Promise<number | undefined> {
    return this.startOnHost(host.key, {
      name,
      command: path.join(this.fabric.bin, binary),
      args,
      env,
      health,
    });
  }

  /** The organisation's chaincode server on its host's loopback (restarted if rebuilt). */
  private async ensureChaincodeServer(
    host: HostPlan,
    org: PeerOrg,
    cc: ChaincodeDef,
    settings: HostsSettings,
  ): Promise<number | undefined> {
    const paths = this.hostPaths(host.key);
    const name = chaincodeProcessName(cc);
    const stamp = path.join(paths.root, `running-code-${cc.name}.sha256`);
    const code = chaincodeCodeHash();
    if (
      runningPid(paths, name) !== undefined &&
      (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== code)
    ) {
      this.log(`  ${host.key}: chaincode code changed, restarting ${name}`);
      await stopProcess(paths, name);
    }
    const packageId = settings.packageIds[packageKey(org, cc)] as string;
    const tls = (which: Parameters<typeof chaincodeTlsFile>[1]): string =>
      chaincodeTlsFile(this.paths, which, org.key);
    const pid = await this.startOnHost(host.key, {
      name,
      command: process.execPath,
      args: [
        require.resolve('fabric-shim/cli.js', { paths: [CHAINCODE_DIR] }),
        'server',
        '--chaincode-address',
        `${HOST}:${cc.serverPort.hosts}`,
        '--chaincode-id',
        packageId,
        '--chaincode-tls-cert-file',
        tls('serverCert'),
        '--chaincode-tls-key-file',
        tls('serverKey'),
        '--chaincode-tls-client-cacert-file',
        tls('caCert'),
      ],
      env: { CORE_CHAINCODE_LOGGING_LEVEL: this.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'WARNING' },
      cwd: CHAINCODE_DIR,
      health: [{ kind: 'tcp', host: HOST, port: cc.serverPort.hosts, via: this.via(host.key) }],
    });
    fs.writeFileSync(stamp, code);
    return pid;
  }

  /**
   * Every chaincode definition: each organisation installs its own package and approves
   * with it; GD customs commits once enough have approved. An organisation admitted after
   * the commit approves the committed definition (same sequence) for itself.
   */
  private async deployChaincodes(
    net: HostsNetwork,
    admin: FabricAdmin,
    settings: HostsSettings,
  ): Promise<void> {
    const orgs = net.layout.peerOrgs;
    await Promise.all(
      orgs.map(async (org) => {
        for (const cc of CHAINCODES) {
          const packageId = settings.packageIds[packageKey(org, cc)] as string;
          const file = this.paths.chaincodePackageOf(org.key, cc.name);
          if (await admin.install(org, packageId, file))
            this.log(`  ${cc.name} installed on ${org.key}`);
        }
      }),
    );
    for (const cc of CHAINCODES) {
      const key = `${cc.name}@${cc.sequence}`;
      const recorded = new Set(settings.approved[key] ?? []);
      const committed = await admin.committed(orgs[0], cc.name);
      const isCommitted = committed?.sequence === cc.sequence;
      const pending = isCommitted ? orgs.filter((org) => !recorded.has(org.key)) : orgs;
      const approvals = isCommitted ? {} : await admin.approvals(cc);
      for (const org of pending) {
        if (!isCommitted && approvals[org.mspId]) {
          recorded.add(org.key);
          continue;
        }
        await admin.approve(org, settings.packageIds[packageKey(org, cc)] as string, cc);
        this.log(`  ${cc.name} approved by ${org.mspId}`);
        recorded.add(org.key);
        settings.approved[key] = [...recorded];
        this.writeSettings(settings);
      }
      if (!isCommitted) {
        await admin.commit(cc);
        this.log(`  ${cc.name} definition committed`);
      }
      settings.approved[key] = [...recorded];
      this.writeSettings(settings);
    }
    await Promise.all(
      orgs.flatMap((org) =>
        CHAINCODES.map((cc) => waitFor(() => admin.pingChaincode(org, cc.name), 60_000)),
      ),
    );
  }

  /** PostgreSQL and Redis of one host, on its loopback (for its gateway only). */
  async services(hostKey: string): Promise<ServiceUrls> {
    const net = this.network();
    const host = this.host(net, hostKey);
    if (!host.services) {
      throw new DevnetError('BAD_ARGUMENT', `host ${hostKey} runs no services`);
    }
    return ensureServices(this.hostPaths(hostKey), this.env, {
      host: hostKey,
      via: this.via(hostKey),
    });
  }

  /**
   * Admits a candidate organisation (`macao`): the channel configuration update signed by
   * the admins the policies require, each on its own host; then its host comes up with `up`
   * (peer joined, its own chaincode server and package installed and approved).
   */
  async admit(key: string): Promise<{ mspId: string; updated: boolean; seconds: number }> {
    const t0 = Date.now();
    await requireHostTools();
    const { host } = candidateOf(key);
    const { org, updated } = await admitOrganisation(this, key);
    if (updated) this.log(`  ${org.mspId} added to the channel by a configuration update`);
    const settings = this.readSettings();
    if (!settings.admitted.includes(host.key)) {
      settings.admitted.push(host.key);
      this.writeSettings(settings);
    }
    await this.up();
    return { mspId: org.mspId, updated, seconds: (Date.now() - t0) / 1000 };
  }

  // ---- link, partition -----------------------------------------------------------------

  /** Sets the latency of every border link (per direction), now and for later `up`s. */
  async link(latency: LinkLatency): Promise<void> {
    if (
      ![latency.latencyMs, latency.jitterMs].every((n) => Number.isInteger(n) && n >= 0) ||
      latency.jitterMs > latency.latencyMs
    ) {
      throw new DevnetError(
        'BAD_ARGUMENT',
        `latency ${latency.latencyMs} ms ± ${latency.jitterMs} ms: both whole milliseconds, jitter at most the latency`,
      );
    }
    const settings = this.readSettings();
    const net = this.network(settings.admitted);
    this.via(net.border.key); // the border host must be up
    await new BorderProxy(`http://${net.border.address}:${HOST_PORTS.proxyApi}`).configure(
      net.proxies,
      latency,
    );
    settings.latency = latency;
    this.writeSettings(settings);
  }

  /**
   * Cuts every host of `sideA` off from every host of `sideB` (sites, hosts, or comma lists):
   * established connections and new ones, both ways, until `heal`. Cuts add up.
   */
  async partition(sideA: string, sideB: string): Promise<{ host: string; cut: string[] }[]> {
    const net = this.network();
    const a = hostsOfSide(net, sideA);
    const b = hostsOfSide(net, sideB);
    if (a.some((h) => b.some((o) => o.key === h.key))) {
      throw new DevnetError('BAD_ARGUMENT', `${sideA} and ${sideB} share a host`);
    }
    // Every host of both sides must be up before any is cut: no half-made partition.
    const pids = new Map(
      [...a, ...b].map((host) => {
        const pid = hostPid(this.hostPaths(host.key));
        if (pid === undefined) {
          throw new DevnetError(
            'STEP_FAILED',
            `host ${host.key} is not up`,
            'run `npm run devnet -- up --hosts`',
          );
        }
        return [host.key, pid];
      }),
    );
    const result: { host: string; cut: string[] }[] = [];
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const host of from) {
        const pid = pids.get(host.key) as number;
        const cut = [
          ...new Set([...(await cutAddresses(pid)), ...partitionAddresses(net, from, to)]),
        ].sort();
        await cutOff(pid, cut);
        result.push({ host: host.key, cut });
      }
    }
    return result;
  }

  /** Removes every cut (resolves with the hosts that had one). */
  async heal(): Promise<string[]> {
    const healed: string[] = [];
    for (const host of this.network().hosts) {
      const pid = hostPid(this.hostPaths(host.key));
      if (pid !== undefined && (await healCuts(pid))) healed.push(host.key);
    }
    return healed;
  }

  // ---- status, down --------------------------------------------------------------------

  /** Host keys with state folders (every host ever started, admitted ones included). */
  private knownHosts(): string[] {
    const dir = path.join(this.paths.root, 'hosts');
    return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  }

  async status(): Promise<HostsStatus> {
    const net = this.network();
    const hosts: HostStatus[] = [];
    const border = { key: net.border.key, site: 'border', address: net.border.address };
    for (const host of [...net.hosts, border] as {
      key: string;
      site: string;
      address: string;
      peerOrg?: string;
    }[]) {
      const paths = this.hostPaths(host.key);
      const pid = hostPid(paths);
      const processes = await Promise.all(
        trackedNames(paths)
          .filter((n) => n !== HOLDER)
          .sort((x, y) => STOP_ORDER.indexOf(x) - STOP_ORDER.indexOf(y))
          .map(async (name) => {
            const p = runningPid(paths, name);
            return { name, pid: p, healthy: p !== undefined, rssMb: p ? rssMb(p) : undefined };
          }),
      );
      const heights: Record<string, number | undefined> = {};
      let raftLeader: boolean | undefined;
      const org = net.layout.peerOrgs.find((o) => o.key === host.peerOrg);
      if (org && processes.some((p) => p.name === 'peer' && p.pid)) {
        const m = await metrics(`http://${org.peer.host}:${org.peer.operationsPort}/metrics`);
        heights.peer = metricValue(m, 'ledger_blockchain_height', CHANNEL_NAME);
      }
      const node = net.layout.ordererOrgs
        .flatMap((o) => o.nodes)
        .find((n) => n.host === host.address);
      if (node && processes.some((p) => p.name === node.name && p.pid)) {
        const m = await metrics(`http://${node.host}:${node.operationsPort}/metrics`);
        const committed = metricValue(m, 'consensus_etcdraft_committed_block_number', CHANNEL_NAME);
        heights[node.name] = committed === undefined ? undefined : committed + 1;
        raftLeader = metricValue(m, 'consensus_etcdraft_is_leader', CHANNEL_NAME) === 1;
      }
      hosts.push({
        key: host.key,
        site: host.site,
        address: host.address,
        names: hostsFileNames(net, host.key, host.address),
        up: pid !== undefined,
        processes,
        heights,
        raftLeader,
        cutOffFrom: pid === undefined ? [] : await cutAddresses(pid),
        rssMb: processes.reduce((sum, p) => sum + (p.rssMb ?? 0), 0),
      });
    }
    let latencies: Record<string, LinkLatency> = {};
    if (hostPid(this.hostPaths(net.border.key)) !== undefined) {
      try {
        latencies = await new BorderProxy(
          `http://${net.border.address}:${HOST_PORTS.proxyApi}`,
        ).latencies();
      } catch {
        latencies = {}; // the proxy is down: status says so through its process
      }
    }
    return {
      root: this.paths.root,
      prefix: net.prefix,
      subnet: `${net.subnet}.0/24`,
      hosts,
      proxies: net.proxies.map((p) => ({
        name: p.name,
        listen: p.listen,
        upstream: p.upstream,
        latency: latencies[p.name],
      })),
    };
  }

  /** Stops every tracked process on every host, then the namespaces, then the bridge. */
  async down(): Promise<string[]> {
    const stopped: string[] = [];
    const hosts = this.knownHosts();
    const rank = (n: string): number => {
      const i = STOP_ORDER.indexOf(n);
      return i < 0 ? -1 : i; // unknown names (a client's own) first
    };
    for (const key of hosts) {
      const paths = this.hostPaths(key);
      const names = trackedNames(paths)
        .filter((n) => n !== HOLDER)
        .sort((x, y) => rank(x) - rank(y));
      for (const name of names) if (await stopProcess(paths, name)) stopped.push(`${key}/${name}`);
    }
    for (const key of hosts) {
      if (await removeHost(this.hostPaths(key))) stopped.push(`${key}/${HOLDER}`);
    }
    if (await removeBridge(this.network())) stopped.push(`bridge ${this.network().prefix}-br`);
    return stopped;
  }

  async reset(): Promise<string[]> {
    const stopped = await this.down();
    for (const key of this.knownHosts()) removePostgresData(this.hostPaths(key));
    fs.rmSync(this.paths.root, { recursive: true, force: true });
    return stopped;
  }

  /** Pids of every process still running on any host (namespace holders included). */
  runningPids(): number[] {
    return this.knownHosts().flatMap((key) => {
      const paths = this.hostPaths(key);
      return trackedNames(paths)
        .map((n) => runningPid(paths, n))
        .filter((p): p is number => p !== undefined);
    });
  }

  connectionFile(org: string): string {
    return path.join(this.paths.connections, `${org}.json`);
  }

  /** Where Toxiproxy's API answers. */
  proxyApi(): string {
    return `http://${this.network().border.address}:${HOST_PORTS.proxyApi}`;
  }

  toxiproxyInstalled(): boolean {
    return fs.existsSync(toxiproxyBin(this.env));
  }
}

// ---- helpers -----------------------------------------------------------------------------

function writeYaml(file: string, doc: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(doc, { lineWidth: 0 }));
}

function hostOfAddress(net: HostsNetwork, address: string): HostPlan {
  const host = net.hosts.find((h) => h.address === address);
  if (!host) throw new DevnetError('BAD_ARGUMENT', `no host has address ${address}`);
  return host;
}

function hostsFileNames(net: HostsNetwork, key: string, address: string): string[] {
  return hostsFile(net, key)
    .split('\n')
    .filter((l) => l.startsWith(`${address} `))
    .map((l) => l.split(' ')[1] as string);
}

/** The orderer an organisation's admin sends to: its own site's, else the third party's. */
function ordererFor(
  net: HostsNetwork,
  host: HostPlan,
  orderers: readonly OrdererOrg[],
): { org: OrdererOrg; node: OrdererNode } {
  const all = orderers.flatMap((org) => org.nodes.map((node) => ({ org, node })));
  const site = (node: OrdererNode): string | undefined =>
    net.hosts.find((h) => h.address === node.host)?.site;
  const chosen =
    all.find((o) => site(o.node) === host.site) ??
    all.find((o) => site(o.node) === 'neutral') ??
    all[0];
  if (!chosen) throw new DevnetError('BAD_ARGUMENT', 'the network has no orderer');
  return chosen;
}

async function metrics(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return await res.text();
  } catch {
    return '';
  }
}

/** A Prometheus gauge's value for one channel, if exposed. */
export function metricValue(text: string, name: string, channel: string): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && l.includes(`channel="${channel}"`));
  return line ? Number(line.split(' ').pop()) : undefined;
}

function rssMb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor(check: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

async function waitForRaftLeader(
  net: HostsNetwork,
  channels: string[],
  timeoutMs = 90_000,
): Promise<void> {
  const nodes = net.layout.ordererOrgs.flatMap((o) => o.nodes);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = await Promise.all(
      nodes.map((n) => metrics(`http://${n.host}:${n.operationsPort}/metrics`)),
    );
    if (
      channels.every((c) =>
        texts.some((t) => metricValue(t, 'consensus_etcdraft_is_leader', c) === 1),
      )
    ) {
      return;
    }
    if (Date.now() > deadline) {
      throw new DevnetError(
        'TIMEOUT',
        `no Raft leader on ${channels.join(', ')} after ${timeoutMs} ms`,
        'see .devnet-hosts/hosts/*/logs/orderer0.log',
      );
    }
    await sleep(250);
  }
}

async function waitForGossip(net: HostsNetwork, timeoutMs = 90_000): Promise<void> {
  const orgs = net.layout.peerOrgs;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const known = await Promise.all(
      orgs.map(async (org) =>
        metricValue(
          await metrics(`http://${org.peer.host}:${org.peer.operationsPort}/metrics`),
          'gossip_membership_total_peers_known',
          CHANNEL_NAME,
        ),
      ),
    );
    if (known.every((n) => (n ?? 0) >= orgs.length - 1)) return;
    if (Date.now() > deadline) {
      throw new DevnetError(
        'TIMEOUT',
        `peers did not all see each other through gossip in ${timeoutMs} ms (known: ${known.join(', ')})`,
      );
    }
    await sleep(250);
  }
}

/** Where an organisation's package id of a definition is kept in the settings. */
function packageKey(org: PeerOrg, cc: ChaincodeDef): string {
  return `${org.key}:${cc.name}`;
}
