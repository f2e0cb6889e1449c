/**
 * Pure renderers: from the network definition and the devnet paths to the documents Fabric
 * reads. No I/O here; the launcher writes what these return.
 */
import * as path from 'node:path';
import {
  BLOCK_CUTTING,
  CHAINCODE_SERVER,
  HOST,
  RAFT_OPTIONS,
  USERS_PER_ORG,
  peerHostname,
  type OrdererNode,
  type OrdererOrg,
  type PeerOrg,
} from './definition';
import { hasChannelParticipation } from './fabric';
import { singleHostLayout, type Layout } from './layout';
import type { DevnetPaths } from './paths';

type Yaml = Record<string, unknown>;

const LOOPBACK_SANS = ['localhost', HOST];

/** A layout, or (on one host) its orderer organisation. */
export type LayoutOrOrderers = Layout | OrdererOrg;

function asLayout(value: LayoutOrOrderers): Layout {
  return 'kind' in value ? value : singleHostLayout(value);
}

/** Organisation name in configtx.yaml: the MSP id without its MSP suffix. */
export function configtxOrgName(mspId: string): string {
  return mspId.replace(/MSP$/, '');
}

export function cryptoConfig(value: LayoutOrOrderers): Yaml {
  const layout = asLayout(value);
  // On one host clients dial 127.0.0.1; across hosts, each node's own TLS host name.
  const sans = layout.kind === 'single' ? LOOPBACK_SANS : [];
  return {
    OrdererOrgs: layout.ordererOrgs.map((orderers, i) => ({
      Name: layout.kind === 'single' && i === 0 ? 'Orderer' : configtxOrgName(orderers.mspId),
      Domain: orderers.domain,
      EnableNodeOUs: true,
      Specs: orderers.nodes.map((n) => ({ Hostname: n.name, SANS: sans })),
    })),
    PeerOrgs: [
      ...layout.peerOrgs.map((org) => peerOrgCrypto(org, sans)),
      ...layout.peerlessOrgs.map((p) => peerOrgCrypto(p.org, sans)),
    ],
  };
}

/** cryptogen's spec of one peer organisation (also used alone for a new organisation). */
export function peerOrgCrypto(org: Omit<PeerOrg, 'peer'>, sans: string[] = []): Yaml {
  return {
    Name: configtxOrgName(org.mspId),
    Domain: org.domain,
    EnableNodeOUs: true,
    Specs: [{ Hostname: 'peer0', SANS: sans }],
    Users: { Count: USERS_PER_ORG },
  };
}

function signature(rule: string): Yaml {
  return { Type: 'Signature', Rule: rule };
}

function orgPolicies(mspId: string, member: 'peer' | 'orderer'): Yaml {
  if (member === 'orderer') {
    // Orderer nodes sign blocks; BlockValidation (ANY Writers) must accept their role.
    return {
      Readers: signature(`OR('${mspId}.member')`),
      Writers: signature(`OR('${mspId}.member')`),
      Admins: signature(`OR('${mspId}.admin')`),
    };
  }
  return {
    Readers: signature(`OR('${mspId}.admin', '${mspId}.peer', '${mspId}.client')`),
    Writers: signature(`OR('${mspId}.admin', '${mspId}.client')`),
    Admins: signature(`OR('${mspId}.admin')`),
    Endorsement: signature(`OR('${mspId}.peer')`),
  };
}

/** Names in the Fabric 2.1 (system channel) profiles. */
export const SYSTEM_CHANNEL = 'system-channel';
export const CONSORTIUM = 'ClearanceConsortium';

/**
 * configtx.yaml. With channel participation (2.3+) one profile makes the clearance channel's
 * genesis block. Without it (2.1) `SystemGenesis` bootstraps the orderers with a consortium
 * of the four organisations and `ClearanceChannel` is the channel-creation transaction.
 */
export function configtx(value: LayoutOrOrderers, paths: DevnetPaths, systemChannel = false): Yaml {
  const layout = asLayout(value);
  const ordererOrgSections = layout.ordererOrgs.map((orderers, i) => ({
    Name: layout.kind === 'single' && i === 0 ? 'Orderer' : configtxOrgName(orderers.mspId),
    ID: orderers.mspId,
    MSPDir: path.join(paths.ordererOrgDir(orderers), 'msp'),
    Policies: orgPolicies(orderers.mspId, 'orderer'),
    OrdererEndpoints: orderers.nodes.map((n) => `${n.endpoint}:${n.port}`),
  }));
  const peerOrgSections = [
    ...layout.peerOrgs.map((org) => peerOrgSection(org, paths)),
    ...layout.peerlessOrgs.map((p) => memberOrgSection(p.org, paths)),
  ];
  const consenters = layout.ordererOrgs.flatMap((orderers) =>
    orderers.nodes.map((n) => {
      const serverCert = path.join(paths.ordererNodeDir(orderers, n), 'tls', 'server.crt');
      return {
        Host: n.endpoint,
        Port: n.port,
        ClientTLSCert: serverCert,
        ServerTLSCert: serverCert,
      };
    }),
  );
  const { policies } = layout;
  const channelPolicies = policies.channel;
  const orderer = {
    OrdererType: 'etcdraft',
    BatchTimeout: BLOCK_CUTTING.batchTimeout,
    BatchSize: {
      MaxMessageCount: BLOCK_CUTTING.maxMessageCount,
      AbsoluteMaxBytes: BLOCK_CUTTING.absoluteMaxBytes,
      PreferredMaxBytes: BLOCK_CUTTING.preferredMaxBytes,
    },
    EtcdRaft: { Consenters: consenters, Options: RAFT_OPTIONS },
    Organizations: ordererOrgSections,
    Policies: policies.orderer,
    Capabilities: { V2_0: true },
  };
  const application = (capability: string): Yaml => ({
    Organizations: peerOrgSections,
    Policies: policies.application,
    Capabilities: { [capability]: true },
  });

  if (!systemChannel) {
    return {
      Profiles: {
        ClearanceChannel: {
          Policies: channelPolicies,
          Capabilities: { V3_0: true },
          Orderer: orderer,
          Application: application('V2_5'),
        },
      },
    };
  }
  return {
    Profiles: {
      SystemGenesis: {
        Policies: channelPolicies,
        Capabilities: { V2_0: true },
        Orderer: orderer,
        Consortiums: { [CONSORTIUM]: { Organizations: peerOrgSections } },
      },
      ClearanceChannel: {
        Consortium: CONSORTIUM,
        Policies: channelPolicies,
        Capabilities: { V2_0: true },
        Application: application('V2_0'),
      },
    },
  };
}

/** configtx.yaml's section of one peer organisation: MSP, policies, anchor peer. */
export function peerOrgSection(org: PeerOrg, paths: DevnetPaths): Yaml {
  return {
    ...memberOrgSection(org, paths),
    AnchorPeers: [{ Host: org.peer.endpoint, Port: org.peer.port }],
  };
}

/** An application organisation's MSP and policies, without an anchor peer (PEERLESS_ORGS). */
export function memberOrgSection(org: Omit<PeerOrg, 'peer'>, paths: DevnetPaths): Yaml {
  return {
    Name: configtxOrgName(org.mspId),
    ID: org.mspId,
    MSPDir: path.join(paths.peerOrgDir(org), 'msp'),
    Policies: orgPolicies(org.mspId, 'peer'),
  };
}

/** Deep-set `value` at a dotted key path, creating objects on the way. */
function setIn(doc: Yaml, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node: Yaml = doc;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Yaml;
  }
  node[keys[keys.length - 1] as string] = value;
}

export function withSettings(sample: Yaml, settings: Record<string, unknown>): Yaml {
  const doc = structuredClone(sample);
  for (const [key, value] of Object.entries(settings)) setIn(doc, key, value);
  return doc;
}

/**
 * Across hosts a cut link stalls a connection without a reset: a peer's block stream from
 * an orderer on the far side waits for gRPC keepalive (60 s + 20 s by default) before the
 * peer tries another orderer, and its side's commits wait with it (measured: HK's filings
 * during a 60 s GD-HK cut all committed after it). Pinged every 5 s, the stream is given up
 * within 10 s; the orderers accept pings that often.
 */
export const HOSTS_PEER_KEEPALIVE = {
  'peer.keepalive.deliveryClient.interval': '5s',
  'peer.keepalive.deliveryClient.timeout': '5s',
} as const;
export const HOSTS_ORDERER_KEEPALIVE = { 'General.Keepalive.ServerMinInterval': '4s' } as const;

/** Fabric's sample core.yaml with this peer's identity, ports, TLS and storage. */
export function peerCoreYaml(
  sample: Yaml,
  org: PeerOrg,
  paths: DevnetPaths,
  ccaasBuilderDir: string,
  version: string,
): Yaml {
  const node = paths.peerNodeDir(org);
  const modern = hasChannelParticipation(version);
  const self = `${org.peer.endpoint}:${org.peer.port}`;
  return withSettings(sample, {
    'peer.id': peerHostname(org),
    'peer.networkId': 'clearance-devnet',
    'peer.listenAddress': `${org.peer.host}:${org.peer.port}`,
    'peer.address': self,
    'peer.chaincodeListenAddress': `${org.peer.host}:${org.peer.chaincodePort}`,
    'peer.chaincodeAddress': `${org.peer.host}:${org.peer.chaincodePort}`,
    'peer.gossip.bootstrap': self,
    'peer.gossip.externalEndpoint': self,
    'peer.gossip.useLeaderElection': false,
    'peer.gossip.orgLeader': true,
    // Loopback peers: meet each other within a second or two of a (re)start. A peer that
    // was not listening yet when another first called it (all start at once) is called
    // again after reconnectInterval: 25 s by default, which once outlasted the wait for
    // gossip after a restart on the loaded 2-core machine.
    'peer.gossip.aliveTimeInterval': '1s',
    'peer.gossip.aliveExpirationTimeout': '5s',
    'peer.gossip.reconnectInterval': '2s',
    // A transaction the validator marked invalid (a resent copy's DUPLICATE_TXID, an MVCC
    // conflict) needs no private data: without this a collection member pulls the copy's
    // missing private data (it exists nowhere under that block and position) for
    // pullRetryThreshold, 60 s, before it commits each such block; with it, only the
    // reconciler looks for it, in the background (Fabric 2.1.1: gossip/privdata).
    'peer.gossip.pvtData.skipPullingInvalidTransactionsDuringCommit': true,
    // A push of private data to a collection member waits for its answer up to this long,
    // even when the endorsement needs none (requiredPeerCount 0): 3 s by default, which every
    // GD filing paid while the other GD agency's peer was down (definition.ts, COLLECTIONS).
    'peer.gossip.pvtData.pushAckTimeout': '500ms',
    'peer.tls.enabled': true,
    'peer.tls.cert.file': path.join(node, 'tls', 'server.crt'),
    'peer.tls.key.file': path.join(node, 'tls', 'server.key'),
    'peer.tls.rootcert.file': path.join(node, 'tls', 'ca.crt'),
    'peer.tls.clientAuthRequired': false,
    'peer.fileSystemPath': paths.peerDataDir(org),
    'peer.mspConfigPath': path.join(node, 'msp'),
    'peer.localMspId': org.mspId,
    // The Gateway service exists from 2.4 on.
    ...(modern ? { 'peer.gateway.enabled': true } : {}),
    // No Docker engine: an empty endpoint turns the Docker VM off.
    'vm.endpoint': '',
    // The builder scripts need PATH (they run node); 2.x calls the list environmentWhitelist.
    'chaincode.externalBuilders': [
      {
        name: 'ccaas',
        path: ccaasBuilderDir,
        [modern ? 'propagateEnvironment' : 'environmentWhitelist']: ['PATH'],
      },
    ],
    'ledger.state.stateDatabase': 'goleveldb',
    'operations.listenAddress': `${org.peer.host}:${org.peer.operationsPort}`,
    'operations.tls.enabled': false,
    'metrics.provider': 'prometheus',
  });
}

/**
 * Fabric's sample orderer.yaml for one Raft node: joined through channel participation when
 * `genesisBlock` is undefined (2.3+), else bootstrapped from the system-channel block (2.1,
 * whose orderer refuses the Admin and ChannelParticipation sections it does not know).
 */
export function ordererYaml(
  sample: Yaml,
  org: OrdererOrg,
  node: OrdererNode,
  paths: DevnetPaths,
  genesisBlock?: string,
): Yaml {
  const dir = paths.ordererNodeDir(org, node);
  const tls = (f: string): string => path.join(dir, 'tls', f);
  const bootstrap = genesisBlock
    ? { 'General.BootstrapMethod': 'file', 'General.BootstrapFile': genesisBlock }
    : {
        'General.BootstrapMethod': 'none',
        'Admin.ListenAddress': `${node.host}:${node.adminPort}`,
        'Admin.TLS.Enabled': true,
        'Admin.TLS.PrivateKey': tls('server.key'),
        'Admin.TLS.Certificate': tls('server.crt'),
        'Admin.TLS.RootCAs': [tls('ca.crt')],
        'Admin.TLS.ClientAuthRequired': true,
        'Admin.TLS.ClientRootCAs': [tls('ca.crt')],
        'ChannelParticipation.Enabled': true,
      };
  return withSettings(sample, {
    'General.ListenAddress': node.host,
    'General.ListenPort': node.port,
    'General.TLS.Enabled': true,
    'General.TLS.PrivateKey': tls('server.key'),
    'General.TLS.Certificate': tls('server.crt'),
    'General.TLS.RootCAs': [tls('ca.crt')],
    'General.TLS.ClientAuthRequired': false,
    'General.Cluster.ClientCertificate': tls('server.crt'),
    'General.Cluster.ClientPrivateKey': tls('server.key'),
    'General.Cluster.RootCAs': [tls('ca.crt')],
    'General.LocalMSPDir': path.join(dir, 'msp'),
    'General.LocalMSPID': org.mspId,
    'FileLedger.Location': path.join(paths.ordererDataDir(node), 'ledger'),
    'Consensus.WALDir': path.join(paths.ordererDataDir(node), 'etcdraft', 'wal'),
    'Consensus.SnapDir': path.join(paths.ordererDataDir(node), 'etcdraft', 'snapshot'),
    ...bootstrap,
    'Operations.ListenAddress': `${node.host}:${node.operationsPort}`,
    'Operations.TLS.Enabled': false,
    'Metrics.Provider': 'prometheus',
  });
}

/** connection.json inside the chaincode package: where and how peers dial the server. */
export function ccaasConnection(
  tls: { caCert: string; clientCert: string; clientKey: string },
  address = `${CHAINCODE_SERVER.host}:${CHAINCODE_SERVER.port}`,
): Yaml {
  return {
    address,
    dial_timeout: '10s',
    tls_required: true,
    client_auth_required: true,
    root_cert: tls.caCert,
    client_cert: tls.clientCert,
    client_key: tls.clientKey,
  };
}
