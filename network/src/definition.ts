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
  peer: { host: string; port: number; chaincodePort: number; operationsPort: number };
}

export interface OrdererNode {
  name: string;
  host: string;
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
 * an officer sees; under load blocks fill by count first. 250 ms keeps one act well under a
 * second end to end while still batching bursts (see README, "Block cutting").
 */
export const BLOCK_CUTTING = {
  batchTimeout: '250ms',
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
    peer: { host: HOST, port: 7051, chaincodePort: 7052, operationsPort: 9441 },
  },
  {
    key: 'gdciq',
    mspId: 'GDCIQMSP',
    domain: 'gdciq.clearance.test',
    peer: { host: HOST, port: 8051, chaincodePort: 8052, operationsPort: 9442 },
  },
  {
    key: 'hkcustoms',
    mspId: 'HKCustomsMSP',
    domain: 'hkcustoms.clearance.test',
    peer: { host: HOST, port: 9051, chaincodePort: 9052, operationsPort: 9443 },
  },
  {
    key: 'logistics',
    mspId: 'LogisticsMSP',
    domain: 'logistics.clearance.test',
    peer: { host: HOST, port: 10051, chaincodePort: 10052, operationsPort: 9444 },
  },
];

/** The chaincode server (chaincode-as-a-service) that every peer dials. */
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
    | 'lane-device';
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
 * Private data: commercial values (prices, invoice) reach customs and inspection only.
 * requiredPeerCount 1: an endorsement returns only once another member peer holds the data.
 */
export const COLLECTIONS = [
  {
    name: 'commercialValues',
    policy: "OR('GDCustomsMSP.member', 'GDCIQMSP.member', 'HKCustomsMSP.member')",
    requiredPeerCount: 1,
    maxPeerCount: 2,
    blockToLive: 0,
    memberOnlyRead: true,
    memberOnlyWrite: true,
  },
] as const;
