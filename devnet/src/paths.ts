import * as path from 'node:path';
import {
  CHAINCODE_NAME,
  ordererHostname,
  peerHostname,
  type OrdererNode,
  type OrdererOrg,
  type PeerOrg,
} from './definition';

/** What names an organisation's crypto folder (a peerless organisation has no peer). */
type OrgNames = Omit<PeerOrg, 'peer'>;

/** Where every piece of devnet state lives under one root (default `.devnet/`). */
export class DevnetPaths {
  /**
   * `shared`: where the network-wide material lives (crypto, channel artefacts, chaincode
   * packages, connection files); the root by default. Across hosts each host has a root of
   * its own (config, data, logs, pids) and shares the network's.
   */
  constructor(
    readonly root: string,
    readonly shared: string = root,
  ) {}

  get crypto(): string {
    return path.join(this.shared, 'crypto');
  }
  get config(): string {
    return path.join(this.root, 'config');
  }
  get logs(): string {
    return path.join(this.root, 'logs');
  }
  get pids(): string {
    return path.join(this.root, 'pids');
  }
  get data(): string {
    return path.join(this.root, 'data');
  }
  get connections(): string {
    return path.join(this.shared, 'connections');
  }
  get channelBlock(): string {
    return path.join(this.shared, 'channel', 'clearance.block');
  }
  /** Fabric 2.1 (no channel participation): the orderers' system-channel genesis block. */
  get systemGenesisBlock(): string {
    return path.join(this.shared, 'channel', 'system-genesis.block');
  }
  /** Fabric 2.1: the transaction `peer channel create` submits. */
  get channelTx(): string {
    return path.join(this.shared, 'channel', 'clearance.tx');
  }
  /** Fabric 2.1: an organisation's anchor peer update. */
  anchorsTx(org: PeerOrg): string {
    return path.join(this.shared, 'channel', `anchors-${org.key}.tx`);
  }
  /** Written last by crypto generation: its presence means the material is complete. */
  get cryptoDone(): string {
    return path.join(this.shared, 'channel', 'crypto.done');
  }
  get chaincodePackage(): string {
    return this.chaincodePackageOf();
  }
  /** A definition's package: the devnet's, or (across hosts) an organisation's own. */
  chaincodePackageOf(orgKey?: string, chaincode: string = CHAINCODE_NAME): string {
    return path.join(this.shared, 'chaincode', orgKey ?? '', `${chaincode}.tar.gz`);
  }
  /** Mutual TLS material of the peer → chaincode server link. */
  get chaincodeTls(): string {
    return path.join(this.crypto, 'chaincode');
  }
  get settingsFile(): string {
    return path.join(this.root, 'settings.json');
  }

  pidFile(processName: string): string {
    return path.join(this.pids, `${processName}.pid`);
  }
  logFile(processName: string): string {
    return path.join(this.logs, `${processName}.log`);
  }

  peerOrgDir(org: OrgNames): string {
    return path.join(this.crypto, 'peerOrganizations', org.domain);
  }
  peerNodeDir(org: PeerOrg): string {
    return path.join(this.peerOrgDir(org), 'peers', peerHostname(org));
  }
  peerTlsCa(org: OrgNames): string {
    return path.join(this.peerOrgDir(org), 'tlsca', `tlsca.${org.domain}-cert.pem`);
  }
  peerUserDir(org: OrgNames, user: string): string {
    return path.join(this.peerOrgDir(org), 'users', `${user}@${org.domain}`);
  }
  officerDir(org: OrgNames, name: string): string {
    return path.join(this.peerOrgDir(org), 'officers', name);
  }
  peerCaCert(org: OrgNames): string {
    return path.join(this.peerOrgDir(org), 'ca', `ca.${org.domain}-cert.pem`);
  }
  peerCaKey(org: OrgNames): string {
    return path.join(this.peerOrgDir(org), 'ca', 'priv_sk');
  }
  get collectionsConfig(): string {
    return path.join(this.config, 'collections.json');
  }
  /** The `--collections-config` file of one chaincode definition. */
  collectionsConfigOf(chaincode: string): string {
    return chaincode === CHAINCODE_NAME
      ? this.collectionsConfig
      : path.join(this.config, `collections-${chaincode}.json`);
  }
  peerConfigDir(org: PeerOrg): string {
    return path.join(this.config, `peer-${org.key}`);
  }
  peerDataDir(org: PeerOrg): string {
    return path.join(this.data, `peer-${org.key}`);
  }

  ordererOrgDir(org: OrdererOrg): string {
    return path.join(this.crypto, 'ordererOrganizations', org.domain);
  }
  ordererNodeDir(org: OrdererOrg, node: OrdererNode): string {
    return path.join(this.ordererOrgDir(org), 'orderers', ordererHostname(org, node));
  }
  ordererTlsCa(org: OrdererOrg): string {
    return path.join(this.ordererOrgDir(org), 'tlsca', `tlsca.${org.domain}-cert.pem`);
  }
  ordererAdminTlsDir(org: OrdererOrg): string {
    return path.join(this.ordererOrgDir(org), 'users', `Admin@${org.domain}`, 'tls');
  }
  ordererConfigDir(node: OrdererNode): string {
    return path.join(this.config, node.name);
  }
  ordererDataDir(node: OrdererNode): string {
    return path.join(this.data, node.name);
  }
}
