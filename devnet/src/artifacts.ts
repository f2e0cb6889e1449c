/**
 * Files the devnet needs before any process starts: crypto material, the channel genesis
 * block, per-node config, the chaincode-as-a-service package and gateway connection files.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import {
  CHAINCODES,
  CHAINCODE_SERVER,
  EVERY_OFFICER,
  CHAINCODE_NAME,
  CHAINCODE_VERSION,
  chaincodeLabel,
  type ChaincodeDef,
  CHANNEL_NAME,
  HOST,
  PEER_ORGS,
  PEERLESS_ORGS,
  ordererHostname,
  peerHostname,
  type OrdererOrg,
  type PeerOrg,
} from './definition';
import { generateChaincodeTls, type ChaincodeTls } from './chaincode-tls';
import { run } from './exec';
import { hasChannelParticipation, type FabricHome } from './fabric';
import { lowSPem, normaliseCertificates } from './low-s';
import { issueOfficer } from './officers';
import type { DevnetPaths } from './paths';
import { singleHostLayout, type Layout } from './layout';
import {
  SYSTEM_CHANNEL,
  ccaasConnection,
  configtx,
  configtxOrgName,
  cryptoConfig,
  ordererYaml,
  peerCoreYaml,
  type LayoutOrOrderers,
} from './render';

export const CHAINCODE_LABEL = `${CHAINCODE_NAME}_${CHAINCODE_VERSION}`;

function writeYaml(file: string, doc: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(doc, { lineWidth: 0 }));
}

function readYaml(file: string): Record<string, unknown> {
  return YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function cryptoExists(paths: DevnetPaths): boolean {
  return fs.existsSync(paths.cryptoDone);
}

/**
 * Fresh crypto (cryptogen, NodeOUs on, every certificate in low-S form) and the channel
 * artefacts: the channel's genesis block with channel participation (2.3+); the orderers'
 * system-channel block, the channel-creation transaction and each organisation's anchor
 * peer update without it (2.1).
 */
export async function generateCrypto(
  fabric: FabricHome,
  paths: DevnetPaths,
  orderers: LayoutOrOrderers,
): Promise<void> {
  const layout = 'kind' in orderers ? orderers : singleHostLayout(orderers);
  const cryptoConfigFile = path.join(paths.config, 'crypto-config.yaml');
  writeYaml(cryptoConfigFile, cryptoConfig(layout));
  fs.rmSync(paths.crypto, { recursive: true, force: true });
  await run(path.join(fabric.bin, 'cryptogen'), [
    'generate',
    `--config=${cryptoConfigFile}`,
    `--output=${paths.crypto}`,
  ]);
  normaliseCertificates(paths.crypto);
  const systemChannel = !hasChannelParticipation(fabric.version);
  const configtxDir = path.join(paths.config, 'configtx');
  writeYaml(path.join(configtxDir, 'configtx.yaml'), configtx(layout, paths, systemChannel));
  fs.mkdirSync(path.dirname(paths.channelBlock), { recursive: true });
  if (layout.kind === 'single') writeChaincodeTls(paths, generateChaincodeTls(HOST));
  // Across hosts each organisation's chaincode server has TLS material of its own.
  else
    for (const org of layout.peerOrgs)
      writeChaincodeTls(paths, generateChaincodeTls(HOST), org.key);
  const configtxgen = (args: string[]): Promise<unknown> =>
    run(path.join(fabric.bin, 'configtxgen'), ['-configPath', configtxDir, ...args]);
  if (!systemChannel) {
    await configtxgen([
      '-profile',
      'ClearanceChannel',
      '-channelID',
      CHANNEL_NAME,
      '-outputBlock',
      paths.channelBlock,
    ]);
  } else {
    await configtxgen([
      '-profile',
      'SystemGenesis',
      '-channelID',
      SYSTEM_CHANNEL,
      '-outputBlock',
      paths.systemGenesisBlock,
    ]);
    const channel = ['-profile', 'ClearanceChannel', '-channelID', CHANNEL_NAME];
    await configtxgen([...channel, '-outputCreateChannelTx', paths.channelTx]);
    for (const org of layout.peerOrgs) {
      await configtxgen([
        ...channel,
        '-outputAnchorPeersUpdate',
        paths.anchorsTx(org),
        '-asOrg',
        configtxOrgName(org.mspId),
      ]);
    }
  }
  fs.writeFileSync(paths.cryptoDone, `${fabric.version}\n`);
}

const TLS_FILES: Record<keyof ChaincodeTls, string> = {
  caCert: 'ca.crt',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  clientCert: 'client.crt',
  clientKey: 'client.key',
};

/** The chaincode link's TLS files: the devnet's one set, or (across hosts) an organisation's. */
export function chaincodeTlsFile(
  paths: DevnetPaths,
  which: keyof ChaincodeTls,
  orgKey?: string,
): string {
  return path.join(paths.chaincodeTls, orgKey ?? '', TLS_FILES[which]);
}

export function writeChaincodeTls(paths: DevnetPaths, tls: ChaincodeTls, orgKey?: string): void {
  fs.mkdirSync(path.dirname(chaincodeTlsFile(paths, 'caCert', orgKey)), { recursive: true });
  for (const which of Object.keys(TLS_FILES) as (keyof ChaincodeTls)[]) {
    fs.writeFileSync(chaincodeTlsFile(paths, which, orgKey), tls[which], { mode: 0o600 });
  }
}

/** Issues the officers' certificates (with role attributes) that do not exist yet. */
export async function ensureOfficers(
  paths: DevnetPaths,
  orgs: readonly Omit<PeerOrg, 'peer'>[] = [...PEER_ORGS, ...PEERLESS_ORGS.map((p) => p.org)],
): Promise<void> {
  for (const officer of EVERY_OFFICER) {
    const org = orgs.find((o) => o.key === officer.org);
    if (!org) continue;
    const dir = paths.officerDir(org, officer.name);
    if (fs.existsSync(path.join(dir, 'cert.pem'))) continue;
    const issued = await issueOfficer(
      org,
      officer,
      fs.readFileSync(paths.peerCaCert(org), 'utf8'),
      fs.readFileSync(paths.peerCaKey(org), 'utf8'),
    );
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'key.pem'), issued.keyPem, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'cert.pem'), lowSPem(issued.certPem));
  }
}

/** core.yaml / orderer.yaml for every node, rendered from Fabric's sampleconfig each `up`. */
export function writeNodeConfigs(
  fabric: FabricHome,
  paths: DevnetPaths,
  orderers: OrdererOrg,
  ccaasBuilderDir: string,
): void {
  const sampleCore = readYaml(path.join(fabric.config, 'core.yaml'));
  const sampleOrderer = readYaml(path.join(fabric.config, 'orderer.yaml'));
  const genesisBlock = hasChannelParticipation(fabric.version)
    ? undefined
    : paths.systemGenesisBlock;
  for (const org of PEER_ORGS) {
    writeYaml(
      path.join(paths.peerConfigDir(org), 'core.yaml'),
      peerCoreYaml(sampleCore, org, paths, ccaasBuilderDir, fabric.version),
    );
  }
  for (const node of orderers.nodes) {
    writeYaml(
      path.join(paths.ordererConfigDir(node), 'orderer.yaml'),
      ordererYaml(sampleOrderer, orderers, node, paths, genesisBlock),
    );
  }
  writeCollections(paths);
}

/** Each chaincode definition's collections file. */
export function writeCollections(paths: DevnetPaths): void {
  fs.mkdirSync(paths.config, { recursive: true });
  for (const cc of CHAINCODES) {
    fs.writeFileSync(
      paths.collectionsConfigOf(cc.name),
      `${JSON.stringify(cc.collections, null, 2)}\n`,
    );
  }
}

/**
 * The chaincode-as-a-service package: metadata.json + code.tar.gz(connection.json). Built
 * byte-for-byte deterministically, so the package id is stable across `up`s.
 * Returns the package id (label:sha256 of the package file), as the peer computes it.
 */
export async function writeChaincodePackage(
  paths: DevnetPaths,
  org?: { key: string; address: string },
  cc: ChaincodeDef = CHAINCODES[0] as ChaincodeDef,
): Promise<string> {
  const packageFile = paths.chaincodePackageOf(org?.key, cc.name);
  const stage = path.join(path.dirname(packageFile), 'stage');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(path.join(stage, 'code'), { recursive: true });
  fs.writeFileSync(
    path.join(stage, 'code', 'connection.json'),
    JSON.stringify(
      ccaasConnection(
        {
          caCert: fs.readFileSync(chaincodeTlsFile(paths, 'caCert', org?.key), 'utf8'),
          clientCert: fs.readFileSync(chaincodeTlsFile(paths, 'clientCert', org?.key), 'utf8'),
          clientKey: fs.readFileSync(chaincodeTlsFile(paths, 'clientKey', org?.key), 'utf8'),
        },
        org?.address ?? `${CHAINCODE_SERVER.host}:${cc.serverPort.single}`,
      ),
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(stage, 'metadata.json'),
    JSON.stringify({ type: 'ccaas', label: chaincodeLabel(cc) }),
  );
  const tarFlags = ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner'];
  await run(
    'sh',
    [
      '-c',
      `tar ${tarFlags.join(' ')} -C code -cf - connection.json | gzip -n > code.tar.gz && ` +
        `tar ${tarFlags.join(' ')} -cf - metadata.json code.tar.gz | gzip -n > "$1"`,
      'sh',
      packageFile,
    ],
    { cwd: stage },
  );
  const digest = createHash('sha256').update(fs.readFileSync(packageFile)).digest('hex');
  return `${chaincodeLabel(cc)}:${digest}`;
}

/** One peer a client can ask for an endorsement (server-only TLS). */
export interface PeerEndpoint {
  mspId: string;
  endpoint: string;
  hostAlias: string;
  tlsRootCertPath: string;
}

/** One orderer a client can broadcast a transaction to (server-only TLS). */
export interface OrdererEndpoint {
  endpoint: string;
  hostAlias: string;
  tlsRootCertPath: string;
}

/**
 * What a client needs to reach the ledger as one organisation's user. The "home" peer
 * fields stay for Gateway clients; `peers` and `orderers` let a client without the peer
 * Gateway service (Fabric 2.1) endorse on every organisation and broadcast itself.
 */
export interface ConnectionDescriptor {
  mspId: string;
  peerEndpoint: string;
  peerHostAlias: string;
  tlsRootCertPath: string;
  certPath: string;
  keyPath: string;
  channel: string;
  chaincode: string;
  peers: PeerEndpoint[];
  orderers: OrdererEndpoint[];
}

function peerEndpoints(paths: DevnetPaths, orgs: readonly PeerOrg[]): PeerEndpoint[] {
  return orgs.map((org) => ({
    mspId: org.mspId,
    endpoint: `${org.peer.endpoint}:${org.peer.port}`,
    hostAlias: peerHostname(org),
    tlsRootCertPath: paths.peerTlsCa(org),
  }));
}

function ordererEndpoints(
  paths: DevnetPaths,
  ordererOrgs: readonly OrdererOrg[],
): OrdererEndpoint[] {
  return ordererOrgs.flatMap((orderers) =>
    orderers.nodes.map((node) => ({
      endpoint: `${node.endpoint}:${node.port}`,
      hostAlias: ordererHostname(orderers, node),
      tlsRootCertPath: paths.ordererTlsCa(orderers),
    })),
  );
}

function descriptor(
  org: PeerOrg,
  paths: DevnetPaths,
  layout: Layout,
  certPath: string,
  keyPath: string,
): ConnectionDescriptor {
  return {
    mspId: org.mspId,
    peerEndpoint: `${org.peer.endpoint}:${org.peer.port}`,
    peerHostAlias: peerHostname(org),
    tlsRootCertPath: paths.peerTlsCa(org),
    certPath,
    keyPath,
    channel: CHANNEL_NAME,
    chaincode: CHAINCODE_NAME,
    peers: peerEndpoints(paths, layout.peerOrgs),
    orderers: ordererEndpoints(paths, layout.ordererOrgs),
  };
}

/** As the organisation's cryptogen user (no role attribute). */
export function connectionDescriptor(
  paths: DevnetPaths,
  org: PeerOrg,
  orderers: LayoutOrOrderers,
  user = 'User1',
): ConnectionDescriptor {
  const layout = 'kind' in orderers ? orderers : singleHostLayout(orderers);
  const msp = path.join(paths.peerUserDir(org, user), 'msp');
  return descriptor(
    org,
    paths,
    layout,
    path.join(msp, 'signcerts', `${user}@${org.domain}-cert.pem`),
    path.join(msp, 'keystore', 'priv_sk'),
  );
}

/**
 * Connection files: `<org>.json` (its cryptogen user) and `<org>/<officer>.json` per officer.
 * Across hosts they name peers and orderers by TLS host name, as seen from the organisation's
 * own host (a gateway there resolves them through its host's /etc/hosts).
 */
export function writeConnectionDescriptors(paths: DevnetPaths, orderers: LayoutOrOrderers): void {
  const layout = 'kind' in orderers ? orderers : singleHostLayout(orderers);
  fs.mkdirSync(paths.connections, { recursive: true });
  const write = (file: string, value: ConnectionDescriptor): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  };
  for (const org of layout.peerOrgs) {
    write(
      path.join(paths.connections, `${org.key}.json`),
      connectionDescriptor(paths, org, layout),
    );
  }
  for (const officer of EVERY_OFFICER) {
    const own = layout.peerOrgs.find((o) => o.key === officer.org);
    const peerless = layout.peerlessOrgs.find((p) => p.org.key === officer.org);
    // A peerless organisation's officers are its own identities, at the serving org's peer.
    const home = own ?? layout.peerOrgs.find((o) => o.key === peerless?.servedBy);
    const org = own ?? peerless?.org;
    if (!home || !org) continue;
    const dir = paths.officerDir(org, officer.name);
    write(path.join(paths.connections, officer.org, `${officer.name}.json`), {
      ...descriptor(home, paths, layout, path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')),
      mspId: org.mspId,
    });
  }
}
