/**
 * The devnet: the clearance network as native processes on this machine. `up` converges on
 * a running network from whatever state it finds (nothing, stopped, partly running), so it
 * is safe to run again; `down` stops exactly the processes it tracks.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FabricAdmin } from './admin';
import {
  ensureOfficers,
  chaincodeTlsFile,
  cryptoExists,
  generateCrypto,
  writeChaincodePackage,
  writeConnectionDescriptors,
  writeNodeConfigs,
} from './artifacts';
import {
  CHAINCODE_SERVER,
  CHAINCODES,
  CHAINCODE_NAME,
  chaincodeProcessName,
  type ChaincodeDef,
  CHANNEL_NAME,
  PEER_ORGS,
  PEERLESS_ORGS,
  ordererOrg,
  type OrdererCount,
  type OrdererNode,
  type OrdererOrg,
  type PeerOrg,
} from './definition';
import { DevnetError } from './errors';
import { hasChannelParticipation, requireFabric, type FabricHome } from './fabric';
import { DevnetPaths } from './paths';
import { SYSTEM_CHANNEL } from './render';
import { ensureServices, removePostgresData, type ServiceUrls } from './services';
import {
  checkHealth,
  ensureRunning,
  runningPid,
  stopProcess,
  trackedNames,
  type ProcessSpec,
} from './processes';

export interface DevnetOptions {
  /** State folder; default `<repo>/.devnet`. */
  root?: string;
  /** Orderer count for a fresh network; an existing one keeps what it was created with. */
  orderers?: OrdererCount;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

interface Settings {
  orderers: OrdererCount;
  /** Each chaincode definition's package id, by definition name. */
  packageIds?: Record<string, string>;
}

export interface ProcessStatus {
  name: string;
  pid?: number;
  ports: string[];
  healthy: boolean;
}

export interface DevnetStatus {
  root: string;
  fabricVersion: string;
  processes: ProcessStatus[];
  channelHeight?: number;
  chaincode?: { packageId?: string; version: string; sequence: number };
  /** Every chaincode definition committed, with its package id. */
  chaincodes?: { name: string; packageId?: string; version: string; sequence: number }[];
}

export interface UpReport {
  started: string[];
  alreadyRunning: string[];
  freshCrypto: boolean;
  seconds: number;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * What `npm start` runs on top of the devnet (the living demo, the gateway), tracked by pid
 * beside it so that `down` and a later start find them; stopped first.
 */
export const APP_PROCESSES = ['demo', 'gateway'] as const;
export const CHAINCODE_DIR = path.join(REPO_ROOT, 'chaincode');
export const CCAAS_BUILDER_DIR = path.join(REPO_ROOT, 'devnet', 'builders', 'ccaas');

/** The chaincode's built code: its own and that of the workspace packages it runs with. */
const CHAINCODE_CODE_DIRS = [
  path.join(CHAINCODE_DIR, 'dist'),
  path.join(REPO_ROOT, 'domain', 'dist'),
  path.join(REPO_ROOT, 'core', 'dist'),
];

/** Digest of the built chaincode (every file under CHAINCODE_CODE_DIRS). */
export function chaincodeCodeHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(entry.name).update(fs.readFileSync(full));
    }
  };
  for (const dir of CHAINCODE_CODE_DIRS) walk(dir);
  return hash.digest('hex');
}

export class Devnet {
  readonly paths: DevnetPaths;
  private readonly log: (line: string) => void;

  constructor(private readonly options: DevnetOptions = {}) {
    this.paths = new DevnetPaths(path.resolve(options.root ?? path.join(REPO_ROOT, '.devnet')));
    this.log = options.log ?? ((line) => console.log(line));
  }

  private get fabric(): FabricHome {
    return requireFabric(this.options.env);
  }

  private readSettings(): Settings | undefined {
    if (!fs.existsSync(this.paths.settingsFile)) return undefined;
    return JSON.parse(fs.readFileSync(this.paths.settingsFile, 'utf8')) as Settings;
  }

  private writeSettings(settings: Settings): void {
    fs.mkdirSync(this.paths.root, { recursive: true });
    fs.writeFileSync(this.paths.settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  }

  private ordererOrg(): OrdererOrg {
    return ordererOrg(this.readSettings()?.orderers ?? this.options.orderers ?? 1);
  }

  /** Every process of the network, in start order. */
  processSpecs(fabric: FabricHome, packageIds: Readonly<Record<string, string>>): ProcessSpec[] {
    const orderers = this.ordererOrg();
    const ordererSpecs: ProcessSpec[] = orderers.nodes.map((node) => ({
      name: node.name,
      command: path.join(fabric.bin, 'orderer'),
      args: [],
      env: { FABRIC_CFG_PATH: this.paths.ordererConfigDir(node) },
      ports: [
        { label: 'listen', host: node.host, port: node.port },
        // The admin endpoint (osnadmin) exists from 2.3 on.
        ...(hasChannelParticipation(fabric.version)
          ? [{ label: 'admin', host: node.host, port: node.adminPort }]
          : []),
        { label: 'operations', host: node.host, port: node.operationsPort },
      ],
      // The operations endpoint answers before the gRPC listener is up: check both.
      health: [
        { kind: 'http', url: `http://${node.host}:${node.operationsPort}/healthz` },
        { kind: 'tcp', host: node.host, port: node.port },
      ],
    }));
    const peerSpecs: ProcessSpec[] = PEER_ORGS.map((org) => ({
      name: `peer-${org.key}`,
      command: path.join(fabric.bin, 'peer'),
      args: ['node', 'start'],
      env: { FABRIC_CFG_PATH: this.paths.peerConfigDir(org) },
      ports: [
        { label: 'listen', host: org.peer.host, port: org.peer.port },
        { label: 'chaincode', host: org.peer.host, port: org.peer.chaincodePort },
        { label: 'operations', host: org.peer.host, port: org.peer.operationsPort },
      ],
      health: [
        { kind: 'http', url: `http://${org.peer.host}:${org.peer.operationsPort}/healthz` },
        { kind: 'tcp', host: org.peer.host, port: org.peer.port },
      ],
    }));
    // One chaincode server per definition (definition.ts, CHAINCODES: why).
    const chaincodeSpecs: ProcessSpec[] = CHAINCODES.map((cc) => ({
      name: chaincodeProcessName(cc),
      command: process.execPath,
      args: [
        require.resolve('fabric-shim/cli.js', { paths: [CHAINCODE_DIR] }),
        'server',
        '--chaincode-address',
        `${CHAINCODE_SERVER.host}:${cc.serverPort.single}`,
        '--chaincode-id',
        packageIds[cc.name] ?? '(not packaged)',
        '--chaincode-tls-cert-file',
        chaincodeTlsFile(this.paths, 'serverCert'),
        '--chaincode-tls-key-file',
        chaincodeTlsFile(this.paths, 'serverKey'),
        '--chaincode-tls-client-cacert-file',
        chaincodeTlsFile(this.paths, 'caCert'),
      ],
      // The shim logs a line per invocation at INFO, formatted and written synchronously: a
      // few percent of the chaincode's CPU. Warnings and errors still reach the log.
      env: { CORE_CHAINCODE_LOGGING_LEVEL: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'WARNING' },
      cwd: CHAINCODE_DIR,
      ports: [
        {
          label: `chaincode server (${cc.name})`,
          host: CHAINCODE_SERVER.host,
          port: cc.serverPort.single,
        },
      ],
      health: [{ kind: 'tcp', host: CHAINCODE_SERVER.host, port: cc.serverPort.single }],
    }));
    return [...ordererSpecs, ...peerSpecs, ...chaincodeSpecs];
  }

  private async ensureRunning(spec: ProcessSpec, report: UpReport): Promise<void> {
    const started = await ensureRunning(this.paths, spec);
    if (started === undefined) {
      report.alreadyRunning.push(spec.name);
    } else {
      this.log(`  started ${spec.name} (pid ${started})`);
      report.started.push(spec.name);
    }
  }

  async up(): Promise<UpReport> {
    const t0 = Date.now();
    const fabric = this.fabric;
    if (!fs.existsSync(path.join(CHAINCODE_DIR, 'dist', 'index.js'))) {
      throw new DevnetError(
        'DEPENDENCY_MISSING',
        'the chaincode is not built',
        'run `npm run build`',
      );
    }
    const report: UpReport = { started: [], alreadyRunning: [], freshCrypto: false, seconds: 0 };
    const settings: Settings = this.readSettings() ?? { orderers: this.options.orderers ?? 1 };
    const orderers = ordererOrg(settings.orderers);

    if (!cryptoExists(this.paths)) {
      this.log(`generating crypto and the channel block in ${this.paths.root}`);
      await generateCrypto(fabric, this.paths, orderers);
      report.freshCrypto = true;
    }
    // A system-channel network cannot run on a channel-participation release, nor back.
    const madeWith = fs.readFileSync(this.paths.cryptoDone, 'utf8').trim();
    if (hasChannelParticipation(madeWith) !== hasChannelParticipation(fabric.version)) {
      throw new DevnetError(
        'BAD_ARGUMENT',
        `this devnet was made with Fabric ${madeWith}; the install found is ${fabric.version}`,
        'run `npm run devnet -- reset` to make it afresh, or point FABRIC_HOME back at the first install',
      );
    }
    // Organisations put on the channel's first block later than this devnet's was made.
    const absent = PEERLESS_ORGS.filter((p) => !fs.existsSync(this.paths.peerCaCert(p.org)));
    if (absent.length > 0) {
      throw new DevnetError(
        'BAD_ARGUMENT',
        `this devnet's channel was made without ${absent.map((p) => p.org.mspId).join(', ')}`,
        'run `npm run devnet -- reset` to make it afresh',
      );
    }
    writeNodeConfigs(fabric, this.paths, orderers, CCAAS_BUILDER_DIR);
    await ensureOfficers(this.paths);
    writeConnectionDescriptors(this.paths, orderers);
    const packageIds: Record<string, string> = {};
    for (const cc of CHAINCODES)
      packageIds[cc.name] = await writeChaincodePackage(this.paths, undefined, cc);
    settings.packageIds = packageIds;
    this.writeSettings(settings);

    const admin = new FabricAdmin(fabric, this.paths, orderers);
    const specs = this.processSpecs(fabric, packageIds);
    const byName = (name: string): ProcessSpec => specs.find((s) => s.name === name) as ProcessSpec;

    this.log('orderers');
    await Promise.all(orderers.nodes.map((n) => this.ensureRunning(byName(n.name), report)));
    const participation = hasChannelParticipation(fabric.version);
    if (participation) {
      for (const node of orderers.nodes) {
        if (await admin.joinOrderer(node)) this.log(`  ${node.name} joined the channel`);
      }
    } else if (await admin.createChannel()) {
      this.log(`  channel ${CHANNEL_NAME} created`);
    }
    await this.waitForRaftLeader(
      orderers,
      participation ? [CHANNEL_NAME] : [SYSTEM_CHANNEL, CHANNEL_NAME],
    );

    this.log('peers');
    await Promise.all(
      PEER_ORGS.map((org) => this.ensureRunning(byName(`peer-${org.key}`), report)),
    );
    await Promise.all(
      PEER_ORGS.map(async (org) => {
        if (await admin.joinPeer(org)) this.log(`  peer-${org.key} joined the channel`);
      }),
    );
    if (!participation) await this.setAnchorPeers(admin);

    this.log('chaincode');
    await this.restartChaincodeIfRebuilt();
    await Promise.all(
      CHAINCODES.map((cc) => this.ensureRunning(byName(chaincodeProcessName(cc)), report)),
    );
    fs.writeFileSync(this.codeStampFile, chaincodeCodeHash());
    for (const cc of CHAINCODES) await this.deployChaincode(admin, cc, packageIds[cc.name] ?? '');
    await this.waitForChaincode(admin);
    await this.waitForGossip();

    // Ensured in parallel, so in the order they answered: reported in the network's own order.
    const rank = (name: string) => specs.findIndex((s) => s.name === name);
    report.started.sort((a, b) => rank(a) - rank(b));
    report.alreadyRunning.sort((a, b) => rank(a) - rank(b));
    report.seconds = (Date.now() - t0) / 1000;
    return report;
  }

  /**
   * A restarted orderer is healthy before Raft has a leader, and until then it refuses
   * every transaction (SERVICE_UNAVAILABLE): wait until each channel has one.
   */
  private async waitForRaftLeader(
    orderers: OrdererOrg,
    channels: string[],
    timeoutMs = 60_000,
  ): Promise<void> {
    const leaderOf = async (node: OrdererNode): Promise<string[]> => {
      try {
        const res = await fetch(`http://${node.host}:${node.operationsPort}/metrics`);
        return [
          ...(await res.text()).matchAll(/^consensus_etcdraft_is_leader\{channel="([^"]+)"\} 1$/gm),
        ].map((m) => m[1] as string);
      } catch {
        return [];
      }
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const led = (await Promise.all(orderers.nodes.map(leaderOf))).flat();
      if (channels.every((c) => led.includes(c))) return;
      if (Date.now() > deadline) {
        throw new DevnetError(
          'TIMEOUT',
          `no Raft leader on ${channels.filter((c) => !led.includes(c)).join(', ')} after ${timeoutMs} ms`,
          'see .devnet/logs/orderer*.log',
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Fabric 2.1: each organisation's anchor peer, once (a marker file skips the round trip). */
  private async setAnchorPeers(admin: FabricAdmin): Promise<void> {
    for (const org of PEER_ORGS) {
      const done = `${this.paths.anchorsTx(org)}.done`;
      if (fs.existsSync(done)) continue;
      if (await admin.setAnchorPeer(org)) this.log(`  anchor peer of ${org.mspId} set`);
      fs.writeFileSync(done, '');
    }
  }

  private get codeStampFile(): string {
    return path.join(this.paths.root, 'chaincode', 'running-code.sha256');
  }

  /** A chaincode server still running code older than chaincode/dist is stopped. */
  private async restartChaincodeIfRebuilt(): Promise<void> {
    const names = CHAINCODES.map(chaincodeProcessName);
    if (names.every((name) => runningPid(this.paths, name) === undefined)) return;
    const running = fs.existsSync(this.codeStampFile)
      ? fs.readFileSync(this.codeStampFile, 'utf8')
      : '';
    if (running !== chaincodeCodeHash()) {
      this.log('  chaincode code changed: restarting its servers');
      for (const name of names) await stopProcess(this.paths, name);
    }
  }

  private async deployChaincode(
    admin: FabricAdmin,
    cc: ChaincodeDef,
    packageId: string,
  ): Promise<void> {
    const file = this.paths.chaincodePackageOf(undefined, cc.name);
    await Promise.all(
      PEER_ORGS.map(async (org) => {
        if (await admin.install(org, packageId, file))
          this.log(`  ${cc.name} installed on peer-${org.key}`);
      }),
    );
    if ((await admin.committed(undefined, cc.name))?.sequence === cc.sequence) return;
    const approvals = await admin.approvals(cc);
    await Promise.all(
      PEER_ORGS.filter((org) => !approvals[org.mspId]).map(async (org) => {
        await admin.approve(org, packageId, cc);
        this.log(`  ${cc.name} approved by ${org.mspId}`);
      }),
    );
    await admin.commit(cc);
    this.log(`  ${cc.name} definition committed`);
  }

  private async waitForChaincode(admin: FabricAdmin, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await Promise.all(
          PEER_ORGS.flatMap((org) => CHAINCODES.map((cc) => admin.pingChaincode(org, cc.name))),
        );
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Clients find endorsers through discovery, which knows only the peers gossip has met:
   * until every peer knows the others, a multi-org endorsement cannot be planned.
   */
  private async waitForGossip(timeoutMs = 60_000): Promise<void> {
    const others = PEER_ORGS.length - 1;
    const deadline = Date.now() + timeoutMs;
    const known = async (org: PeerOrg): Promise<number> => {
      const res = await fetch(`http://${org.peer.host}:${org.peer.operationsPort}/metrics`);
      const line = (await res.text())
        .split('\n')
        .find((l) =>
          l.startsWith(`gossip_membership_total_peers_known{channel="${CHANNEL_NAME}"}`),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    };
    while ((await Promise.all(PEER_ORGS.map(known))).some((n) => n < others)) {
      if (Date.now() > deadline) {
        throw new DevnetError(
          'TIMEOUT',
          `peers did not all see each other through gossip in ${timeoutMs} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Stops every tracked process: npm start's, then the chaincode and peers, orderers last. */
  down(): Promise<string[]> {
    return this.stop(trackedNames(this.paths));
  }

  /** Stops the named processes (those still running), in the same order as down. */
  async stop(names: readonly string[]): Promise<string[]> {
    const rank = (n: string): number =>
      (APP_PROCESSES as readonly string[]).includes(n)
        ? 0
        : n === 'chaincode' || n.startsWith('chaincode-')
          ? 1
          : n.startsWith('peer-')
            ? 2
            : 3;
    const stopped: string[] = [];
    for (const group of [0, 1, 2, 3]) {
      const results = await Promise.all(
        names
          .filter((n) => rank(n) === group)
          .map(async (n) => ((await stopProcess(this.paths, n)) ? n : undefined)),
      );
      stopped.push(...results.filter((n): n is string => n !== undefined));
    }
    return stopped;
  }

  async reset(): Promise<string[]> {
    const stopped = await this.down();
    removePostgresData(this.paths);
    fs.rmSync(this.paths.root, { recursive: true, force: true });
    return stopped;
  }

  /** The pid of one of its processes (`peer-hkcustoms`, `orderer2`, `postgres`), if running. */
  pidOf(name: string): number | undefined {
    return runningPid(this.paths, name);
  }

  /** How many orderers this devnet was made with; undefined when it has not been made yet. */
  madeWithOrderers(): OrdererCount | undefined {
    return cryptoExists(this.paths) ? (this.readSettings()?.orderers ?? 1) : undefined;
  }

  /** The orderers: name and operations URL (`/metrics`, `/healthz`). */
  orderers(): { name: string; operationsUrl: string }[] {
    return this.ordererOrg().nodes.map((n) => ({
      name: n.name,
      operationsUrl: `http://${n.host}:${n.operationsPort}`,
    }));
  }

  /** Every process of this checkout still running (devnet, servers, npm start's), by name. */
  running(): { name: string; pid: number }[] {
    return trackedNames(this.paths).flatMap((name) => {
      const pid = runningPid(this.paths, name);
      return pid === undefined ? [] : [{ name, pid }];
    });
  }

  /** Pids of every process this devnet still has running. */
  runningPids(): number[] {
    return this.running().map((p) => p.pid);
  }

  async status(): Promise<DevnetStatus> {
    const fabric = this.fabric;
    const settings = this.readSettings();
    const specs = this.processSpecs(fabric, settings?.packageIds ?? {});
    const processes = await Promise.all(
      specs.map(async (spec) => {
        const pid = runningPid(this.paths, spec.name);
        return {
          name: spec.name,
          pid,
          ports: spec.ports.map((p) => `${p.label} ${p.host}:${p.port}`),
          healthy: pid !== undefined && (await checkHealth(spec.health)),
        };
      }),
    );
    const status: DevnetStatus = {
      root: this.paths.root,
      fabricVersion: fabric.version,
      processes,
    };
    const healthyPeer = PEER_ORGS.find((org) =>
      processes.some((p) => p.name === `peer-${org.key}` && p.healthy),
    );
    if (healthyPeer && settings) {
      const admin = new FabricAdmin(fabric, this.paths, this.ordererOrg());
      status.channelHeight = await admin.channelHeight(healthyPeer);
      const committed = await admin.committed(healthyPeer);
      const packageIds = settings.packageIds ?? {};
      if (committed) status.chaincode = { packageId: packageIds[CHAINCODE_NAME], ...committed };
      status.chaincodes = [];
      for (const cc of CHAINCODES) {
        const definition = await admin.committed(healthyPeer, cc.name);
        if (definition)
          status.chaincodes.push({ name: cc.name, packageId: packageIds[cc.name], ...definition });
      }
    }
    return status;
  }

  /** PostgreSQL and Redis for the gateway (given URLs, or private servers under the root). */
  services(env: NodeJS.ProcessEnv = this.options.env ?? process.env): Promise<ServiceUrls> {
    return ensureServices(this.paths, env);
  }

  /** Admin acts and peer CLI transactions against this devnet. */
  admin(): FabricAdmin {
    return new FabricAdmin(this.fabric, this.paths, this.ordererOrg());
  }

  connectionFile(org: PeerOrg | string): string {
    const key = typeof org === 'string' ? org : org.key;
    return path.join(this.paths.connections, `${key}.json`);
  }
}
