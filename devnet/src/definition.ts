/**
 * The one definition of the clearance network: organisations, nodes, ports, channel and
 * block-cutting settings. The devnet launcher renders Fabric's own config files from it
 * (crypto-config.yaml, configtx.yaml, core.yaml, orderer.yaml); docker/ reads the same data.
 */

export const CHANNEL_NAME = 'clearance';
export const CHAINCODE_NAME = 'clearance';
export const CHAINCODE_VERSION = '1.0';
export const CHAINCODE_SEQUENCE = 1;

export interface PeerOrg {
  /** Short lower-case key used in paths and file names. */
  key: string;
  mspId: string;
  domain: string;
  peer: {
    /** The address it listens on (and the launcher checks it at). */
    host: string;
    /** The host others dial it by: 127.0.0.1 on one host, its TLS host name across hosts. */
    endpoint: string;
    port: number;
    chaincodePort: number;
    operationsPort: number;
  };
}

export interface OrdererNode {
  name: string;
  host: string;
  /** The host others dial it by (see PeerOrg.peer.endpoint). */
  endpoint: string;
  port: number;
  adminPort: number;
  operationsPort: number;
}

export interface OrdererOrg {
  mspId: string;
  domain: string;
  nodes: OrdererNode[];
}

/**
 * Block cutting: a block is cut when MaxMessageCount transactions are pending, when the
 * pending bytes reach PreferredMaxBytes, or BatchTimeout after the first pending
 * transaction. A lone clearance act waits the whole BatchTimeout, so it bounds the latency
 * an officer sees; under load blocks fill by count first. 100 ms keeps a truck's two acts in
 * turn (tap, decision) near 250 ms at the 95th percentile (docs/devnet.md, "Block cutting").
 */
export const BLOCK_CUTTING = {
  batchTimeout: '100ms',
  maxMessageCount: 200,
  absoluteMaxBytes: '10 MB',
  preferredMaxBytes: '2 MB',
} as const;

export const RAFT_OPTIONS = {
  TickInterval: '200ms',
  ElectionTick: 10,
  HeartbeatTick: 1,
  MaxInflightBlocks: 5,
  SnapshotIntervalSize: '16 MB',
} as const;

export const HOST = '127.0.0.1';

export const PEER_ORGS: readonly PeerOrg[] = [
  {
    key: 'gdcustoms',
    mspId: 'GDCustomsMSP',
    domain: 'gdcustoms.clearance.test',
    peer: { host: HOST, endpoint: HOST, port: 7051, chaincodePort: 7052, operationsPort: 9441 },
  },
  {
    key: 'gdciq',
    mspId: 'GDCIQMSP',
    domain: 'gdciq.clearance.test',
    peer: { host: HOST, endpoint: HOST, port: 8051, chaincodePort: 8052, operationsPort: 9442 },
  },
  {
    key: 'hkcustoms',
    mspId: 'HKCustomsMSP',
    domain: 'hkcustoms.clearance.test',
    peer: { host: HOST, endpoint: HOST, port: 9051, chaincodePort: 9052, operationsPort: 9443 },
  },
  {
    key: 'logistics',
    mspId: 'LogisticsMSP',
    domain: 'logistics.clearance.test',
    peer: { host: HOST, endpoint: HOST, port: 10051, chaincodePort: 10052, operationsPort: 9444 },
  },
];

/** The joint definition's chaincode server (chaincode-as-a-service) that every peer dials. */
export const CHAINCODE_SERVER = { host: HOST, port: 7999 } as const;

/** Users cryptogen issues per peer organisation besides Admin (officers come later). */
export const USERS_PER_ORG = 2;

export type OrdererCount = 1 | 3;

export function ordererOrg(count: OrdererCount): OrdererOrg {
  const nodes: OrdererNode[] = [];
  for (let i = 1; i <= count; i++) {
    nodes.push({
      name: `orderer${i}`,
      host: HOST,
      endpoint: HOST,
      port: 7050 + (i - 1) * 100,
      adminPort: 7053 + (i - 1) * 100,
      operationsPort: 8443 + (i - 1) * 100,
    });
  }
  return { mspId: 'OrdererMSP', domain: 'orderer.clearance.test', nodes };
}

export function peerHostname(org: PeerOrg): string {
  return `peer0.${org.domain}`;
}

export function ordererHostname(org: OrdererOrg, node: OrdererNode): string {
  return `${node.name}.${org.domain}`;
}

/** People who act on the ledger under their own identity, with the role the contracts check. */
export interface OfficerDef {
  org: string;
  name: string;
  role:
    | 'customs-officer'
    | 'ciq-officer'
    | 'filing-agent'
    | 'trust-admin'
    | 'seal-operator'
    | 'lane-device'
    | 'food-safety-officer'
    | 'slaughterhouse';
  /** A lane device's control point (a `controlPoint` attribute): it decides there only. */
  controlPoint?: string;
}

export const OFFICERS: readonly OfficerDef[] = [
  { org: 'gdcustoms', name: 'officer1', role: 'customs-officer' },
  { org: 'gdcustoms', name: 'agent', role: 'filing-agent' },
  { org: 'gdcustoms', name: 'trust-admin', role: 'trust-admin' },
  { org: 'gdciq', name: 'inspector1', role: 'ciq-officer' },
  { org: 'hkcustoms', name: 'officer1', role: 'customs-officer' },
  { org: 'hkcustoms', name: 'agent', role: 'filing-agent' },
  { org: 'hkcustoms', name: 'trust-admin', role: 'trust-admin' },
  { org: 'logistics', name: 'operator1', role: 'seal-operator' },
  // The lane terminal at Lok Ma Chau (HK side): asks the ledger for GO or INSPECT.
  { org: 'hkcustoms', name: 'lane-lmc', role: 'lane-device', controlPoint: 'LMC' },
];

/**
 * Officers of organisations that join later (CANDIDATES): Macao customs, admitted across
 * hosts (`devnet admit macao`), taps and decides at Macao's control points (the Border
 * Gate, Hengqin, the HZMB Zhuhai-Macao port). Not in OFFICERS: the one-host devnet and its
 * gateway hold the network's first organisations only.
 */
export const CANDIDATE_OFFICERS: readonly OfficerDef[] = [
  { org: 'mocustoms', name: 'officer1', role: 'customs-officer' },
  // Hong Kong's Centre for Food Safety: checks food animals at Man Kam To, and the licensed
  // slaughterhouse at Sheung Shui records its ante- and post-mortem findings (allow table).
  { org: 'hkcfs', name: 'inspector1', role: 'food-safety-officer' },
  { org: 'hkcfs', name: 'slaughter-sssh', role: 'slaughterhouse' },
];

/** Every officer of every organisation there is or may be (each layout picks its own). */
export const EVERY_OFFICER: readonly OfficerDef[] = [...OFFICERS, ...CANDIDATE_OFFICERS];

/**
 * On one host, organisations on the channel from its first block without a peer of their
 * own: their officers' proposals go to the peer of `servedBy`. Hong Kong's Centre for Food
 * Safety acts in `clearance-hk`, endorsed by HK customs' peer (docs/endorsement.md); across
 * hosts it is admitted later with a host and peer of its own (CANDIDATES).
 */
export interface PeerlessOrg {
  org: Omit<PeerOrg, 'peer'>;
  servedBy: string;
}

/** Hong Kong's Centre for Food Safety (the Livestock contract's HK side). */
export const HKCFS_ORG: Omit<PeerOrg, 'peer'> = {
  key: 'hkcfs',
  mspId: 'HKCFSMSP',
  domain: 'hkcfs.clearance.test',
};

export const PEERLESS_ORGS: readonly PeerlessOrg[] = [{ org: HKCFS_ORG, servedBy: 'hkcustoms' }];

/** The officers the one-host devnet issues and its gateway serves. */
export const ONE_HOST_OFFICERS: readonly OfficerDef[] = [
  ...OFFICERS,
  ...CANDIDATE_OFFICERS.filter((o) => PEERLESS_ORGS.some((p) => p.org.key === o.org)),
];

/** A private data collection of a chaincode definition (its `--collections-config`). */
export interface CollectionDef {
  name: string;
  policy: string;
  requiredPeerCount: number;
  maxPeerCount: number;
  blockToLive: number;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
}

/**
 * Private data: commercial values (prices, invoice) reach the declaration's own customs
 * and inspection only, one collection per jurisdiction (the chaincode's domain/namespaces.ts
 * names them). GD's is pushed at endorsement to the other GD agency's peer (maxPeerCount 1)
 * but an endorsement does not need its acknowledgement (requiredPeerCount 0): GD's policy
 * takes either GD agency's peer, so a filing goes on while the other is down. Gossip still
 * waits for the first answer of a push, up to pvtData.pushAckTimeout (render.ts: 500 ms), and
 * only while the dead peer is in membership (aliveExpirationTimeout 5 s). Not pushing at all
 * made the other GD peer pull the data before committing each filing's block: it lagged, and
 * a release it endorsed next found the declaration missing or a state behind.
 */
export const COLLECTIONS: Readonly<Record<'GD' | 'HK', CollectionDef>> = {
  GD: {
    name: 'commercialValuesGD',
    policy: "OR('GDCustomsMSP.member', 'GDCIQMSP.member')",
    requiredPeerCount: 0,
    maxPeerCount: 1,
    blockToLive: 0,
    memberOnlyRead: true,
    memberOnlyWrite: true,
  },
  HK: {
    name: 'commercialValuesHK',
    policy: "OR('HKCustomsMSP.member')",
    requiredPeerCount: 0,
    maxPeerCount: 0,
    blockToLive: 0,
    memberOnlyRead: true,
    memberOnlyWrite: true,
  },
};

/**
 * Where a jurisdiction's values go when its customs officer shares them with the other side
 * (`Declaration:ShareCommercial`, a recorded act): its own agencies and the other side's
 * customs service. Written only by the owning side's peers (its namespace's policy); the
 * other side's peer gets the values pushed at endorsement or pulls them at commit. A dual
 * filing received on this side also hands the other side's values over through it (the
 * trader sent both sides' values to this side; FileDual checks them against the signed
 * hashes and the other side's FileHalf copies them into its own collection): they stay here
 * (blockToLive 0), see docs/dual-declaration.md.
 */
export const SHARED_COLLECTIONS: Readonly<Record<'GD' | 'HK', CollectionDef>> = {
  GD: {
    ...COLLECTIONS.GD,
    name: 'sharedCommercialValuesGD',
    policy: "OR('GDCustomsMSP.member', 'GDCIQMSP.member', 'HKCustomsMSP.member')",
    maxPeerCount: 2,
  },
  HK: {
    ...COLLECTIONS.HK,
    name: 'sharedCommercialValuesHK',
    policy: "OR('HKCustomsMSP.member', 'GDCustomsMSP.member', 'GDCIQMSP.member')",
    maxPeerCount: 2,
  },
};

/** One chaincode definition on the channel: what each organisation approves. */
export interface ChaincodeDef {
  name: string;
  version: string;
  sequence: number;
  /** Private data collections (the `--collections-config` JSON). */
  collections: readonly CollectionDef[];
  /** A signature policy; absent: the channel's /Channel/Application/Endorsement. */
  endorsementPolicy?: string;
  /** Where its chaincode server listens: on one host (127.0.0.1), and on each host's loopback. */
  serverPort: { single: number; hosts: number };
}

/**
 * One chaincode package under three definitions (namespaces), so that a jurisdiction's own
 * acts need only its own organisations' peers and joint acts both customs services (the
 * table in docs/endorsement.md; the chaincode's domain/namespaces.ts guards it). Each
 * definition has its own package (label `<name>_<version>`) and chaincode server: Fabric 2.1
 * keys a chaincode's connection by package id, and a chaincode-to-chaincode call into another
 * definition of the same package id would reuse the caller's connection and fail ("txid
 * exists", core/chaincode/transaction_contexts.go). The joint definition keeps the name
 * `clearance` (CHAINCODE_NAME).
 */
export const CHAINCODES: readonly ChaincodeDef[] = [
  {
    name: CHAINCODE_NAME,
    version: CHAINCODE_VERSION,
    sequence: CHAINCODE_SEQUENCE,
    collections: [],
    endorsementPolicy: "AND('GDCustomsMSP.peer', 'HKCustomsMSP.peer')",
    serverPort: { single: 7999, hosts: 9999 },
  },
  {
    name: 'clearance-gd',
    version: CHAINCODE_VERSION,
    sequence: CHAINCODE_SEQUENCE,
    collections: [COLLECTIONS.GD, SHARED_COLLECTIONS.GD],
    endorsementPolicy: "OR('GDCustomsMSP.peer', 'GDCIQMSP.peer')",
    serverPort: { single: 7998, hosts: 9998 },
  },
  {
    name: 'clearance-hk',
    version: CHAINCODE_VERSION,
    sequence: CHAINCODE_SEQUENCE,
    collections: [COLLECTIONS.HK, SHARED_COLLECTIONS.HK],
    endorsementPolicy: "OR('HKCustomsMSP.peer')",
    serverPort: { single: 7997, hosts: 9997 },
  },
];

/** A definition's package label: each definition its own package id. */
export function chaincodeLabel(cc: ChaincodeDef): string {
  return `${cc.name}_${cc.version}`;
}

/** The name of a definition's chaincode server process (`chaincode` for the joint one). */
export function chaincodeProcessName(cc: ChaincodeDef): string {
  return cc.name === CHAINCODE_NAME
    ? 'chaincode'
    : `chaincode-${cc.name.replace(/^clearance-/, '')}`;
}

/** A channel policy as configtx.yaml writes it. */
export interface PolicyDef {
  Type: 'ImplicitMeta' | 'Signature';
  Rule: string;
}

/** The channel-wide policies: /Channel, /Channel/Orderer and /Channel/Application. */
export interface ChannelPolicies {
  channel: { Readers: PolicyDef; Writers: PolicyDef; Admins: PolicyDef };
  orderer: {
    Readers: PolicyDef;
    Writers: PolicyDef;
    Admins: PolicyDef;
    BlockValidation: PolicyDef;
  };
  application: {
    Readers: PolicyDef;
    Writers: PolicyDef;
    Admins: PolicyDef;
    LifecycleEndorsement: PolicyDef;
    Endorsement: PolicyDef;
  };
}

const implicitMeta = (Rule: string): PolicyDef => ({ Type: 'ImplicitMeta', Rule });
const signedBy = (Rule: string): PolicyDef => ({ Type: 'Signature', Rule });

/** The single-host devnet's policies (Fabric's defaults): one orderer organisation. */
export const SINGLE_HOST_POLICIES: ChannelPolicies = {
  channel: {
    Readers: implicitMeta('ANY Readers'),
    Writers: implicitMeta('ANY Writers'),
    Admins: implicitMeta('MAJORITY Admins'),
  },
  orderer: {
    Readers: implicitMeta('ANY Readers'),
    Writers: implicitMeta('ANY Writers'),
    Admins: implicitMeta('MAJORITY Admins'),
    BlockValidation: implicitMeta('ANY Writers'),
  },
  application: {
    Readers: implicitMeta('ANY Readers'),
    Writers: implicitMeta('ANY Writers'),
    Admins: implicitMeta('MAJORITY Admins'),
    LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
    Endorsement: implicitMeta('MAJORITY Endorsement'),
  },
};

// ---------------------------------------------------------------------------------------
// Across hosts: one host per organisation (network namespaces on this machine).
// ---------------------------------------------------------------------------------------

/** Where a host stands: links between sites carry the border's latency and can be cut. */
export const SITES = {
  gd: 'Guangdong',
  hk: 'Hong Kong',
  neutral: 'third party (neither side)',
  mo: 'Macao',
} as const;
export type SiteKey = keyof typeof SITES;

/** The same ports on every host: each host has its own address. */
export const HOST_PORTS = {
  peer: 7051,
  peerChaincode: 7052,
  peerOperations: 9443,
  orderer: 7050,
  ordererAdmin: 7053,
  ordererOperations: 8443,
  /** The organisation's own chaincode server, on the host's loopback: only its peer dials it. */
  chaincode: 9999,
  /** PostgreSQL and Redis, on the host's loopback: only that host's gateway reaches them. */
  postgres: 55432,
  redis: 56379,
  /** The slot for the organisation's gateway (started by the application half). */
  gateway: 3000,
  /** Toxiproxy's API on the border host. */
  proxyApi: 8474,
} as const;

/** Ports other sites reach a host on; a link's proxy forwards each of them. */
export const PROXIED_PORTS = [HOST_PORTS.peer, HOST_PORTS.orderer, HOST_PORTS.gateway] as const;

export interface HostDef {
  /** Names the host's network namespace, state folder and `host` argument of commands. */
  key: string;
  site: SiteKey;
  /** Last byte of its address in the checkout's /24 (see hostsSubnet). */
  octet: number;
  /** The peer organisation (PeerOrg.key) whose peer and chaincode server run here. */
  peerOrg?: string;
  /** The orderer organisation (mspId) whose ordering node runs here. */
  ordererOrg?: string;
  /** Its own PostgreSQL and Redis, and a slot for its gateway. */
  services: boolean;
}

/** Organisation hosts as the network starts. */
export const HOSTS: readonly HostDef[] = [
  {
    key: 'gdcustoms',
    site: 'gd',
    octet: 11,
    peerOrg: 'gdcustoms',
    ordererOrg: 'GDCustomsOrdererMSP',
    services: true,
  },
  { key: 'gdciq', site: 'gd', octet: 12, peerOrg: 'gdciq', services: true },
  {
    key: 'hkcustoms',
    site: 'hk',
    octet: 21,
    peerOrg: 'hkcustoms',
    ordererOrg: 'HKCustomsOrdererMSP',
    services: true,
  },
  // The e-lock operators of the GD–HK scheme monitor from Hong Kong; one field moves them.
  { key: 'logistics', site: 'hk', octet: 22, peerOrg: 'logistics', services: true },
  { key: 'joint', site: 'neutral', octet: 31, ordererOrg: 'JointOrdererMSP', services: false },
];

/** Organisations that join later by a channel configuration update (`devnet admit`). */
export const CANDIDATES: readonly { host: HostDef; org: Omit<PeerOrg, 'peer'> }[] = [
  {
    host: { key: 'macao', site: 'mo', octet: 41, peerOrg: 'mocustoms', services: true },
    org: { key: 'mocustoms', mspId: 'MOCustomsMSP', domain: 'mocustoms.clearance.test' },
  },
  // Hong Kong's Centre for Food Safety: arrival checks of food animals at Man Kam To and
  // slaughterhouse findings (the Livestock contract; docs/endorsement.md).
  {
    host: { key: 'hkcfs', site: 'hk', octet: 23, peerOrg: 'hkcfs', services: true },
    org: HKCFS_ORG,
  },
];

/** The border host: Toxiproxy, and the addresses that stand for hosts across a link. */
export const BORDER_HOST = { key: 'border', octet: 2 } as const;
/** The launcher's own address on the hosts' network (the bridge). */
export const LAUNCHER_OCTET = 1;
/** Proxy addresses are numbered from here (see proxyPlan in layout.ts). */
export const PROXY_OCTET_BASE = 100;

/** Links whose traffic goes through the border proxy: latency and jitter per direction. */
export const BORDER_LINKS: readonly {
  sites: [SiteKey, SiteKey];
  latencyMs: number;
  jitterMs: number;
}[] = [{ sites: ['gd', 'hk'], latencyMs: 20, jitterMs: 5 }];

/**
 * Ordering across hosts: a Raft consenter on GD customs' host, one on HK customs' host and
 * one at a third party neither controls. Three consenters survive one failure, and in a
 * GD↔HK partition the side that still reaches the third party keeps ordering (see
 * docs/network.md). Each is its own orderer organisation with its own CA.
 */
export const HOSTS_ORDERER_ORGS: readonly { mspId: string; domain: string; host: string }[] = [
  { mspId: 'GDCustomsOrdererMSP', domain: 'ordering.gdcustoms.clearance.test', host: 'gdcustoms' },
  { mspId: 'HKCustomsOrdererMSP', domain: 'ordering.hkcustoms.clearance.test', host: 'hkcustoms' },
  { mspId: 'JointOrdererMSP', domain: 'ordering.joint.clearance.test', host: 'joint' },
];

/**
 * Across hosts no single customs service, nor one with any other organisations, can change
 * the channel: every admin policy names both customs services explicitly. (MAJORITY would
 * let GD customs, GD CIQ and the operators change the application group without Hong Kong,
 * and one customs service's orderer with the third party change the orderer group.)
 * Likewise a chaincode definition (new, or a changed endorsement policy or collection) is
 * committed only when both customs services' peers endorse the commit, which each peer
 * does only once its own organisation approved the definition: MAJORITY (3 of 4, 3 of 5
 * with Macao) would let one side with the operators and Macao loosen the other side's
 * namespace. `Endorsement` is the default of a definition that sets no policy of its own.
 */
const BOTH_CUSTOMS_PEERS = signedBy("AND('GDCustomsMSP.peer', 'HKCustomsMSP.peer')");

export const HOSTS_POLICIES: ChannelPolicies = {
  channel: {
    Readers: implicitMeta('ANY Readers'),
    Writers: implicitMeta('ANY Writers'),
    Admins: signedBy("AND('GDCustomsMSP.admin', 'HKCustomsMSP.admin')"),
  },
  orderer: {
    Readers: implicitMeta('ANY Readers'),
    Writers: implicitMeta('ANY Writers'),
    Admins: signedBy("AND('GDCustomsOrdererMSP.admin', 'HKCustomsOrdererMSP.admin')"),
    BlockValidation: implicitMeta('ANY Writers'),
  },
  application: {
    Readers: implicitMeta('ANY Readers'),
    Writers: implicitMeta('ANY Writers'),
    Admins: signedBy("AND('GDCustomsMSP.admin', 'HKCustomsMSP.admin')"),
    LifecycleEndorsement: BOTH_CUSTOMS_PEERS,
    Endorsement: BOTH_CUSTOMS_PEERS,
  },
};
