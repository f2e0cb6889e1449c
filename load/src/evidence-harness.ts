/**
 * Evidence on the devnet: a bundle builder reading the GD customs peer, attesters for both
 * customs services (each reading its own peer and signing with its peer's key, as an
 * organisation states what its peer recorded), and the devnet's trust root (its clearance
 * channel's genesis block, both customs services as attesters). For the evidence tests,
 * the fixtures and the bench; never deployed.
 */
import {
  connectGateway,
  loadConfig,
  messageSigner,
  qsccLedgerReader,
  type FabricClient,
  type Gateway,
} from '@clearance/gateway';
import {
  CHAINCODE_NAME,
  CHANNEL_NAME,
  PEER_ORGS,
  type Devnet,
  type PeerOrg,
} from '@clearance/network';
import {
  createAttester,
  createBundleBuilder,
  trustRootOf,
  type Attester,
  type BundleBuilder,
  type LedgerReader,
  type TrustRoot,
} from '@clearance/verifier';
import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the organisations are called in verdicts (the portal's wording). */
export const DEVNET_ORGANISATION_NAMES: NonNullable<TrustRoot['organisations']> = {
  GDCustomsMSP: { en: 'Guangdong Customs', 'zh-HK': '廣東海關', 'zh-CN': '广东海关' },
  GDCIQMSP: {
    en: 'Guangdong Inspection and Quarantine',
    'zh-HK': '廣東出入境檢驗檢疫',
    'zh-CN': '广东出入境检验检疫',
  },
  HKCustomsMSP: { en: 'Hong Kong Customs', 'zh-HK': '香港海關', 'zh-CN': '香港海关' },
  LogisticsMSP: { en: 'E-lock operator', 'zh-HK': '電子關鎖營運商', 'zh-CN': '电子关锁运营商' },
};

/** Whose statements of validity the devnet's trust root requires: both customs services. */
export const DEVNET_ATTESTERS = ['GDCustomsMSP', 'HKCustomsMSP'];

export interface DevnetEvidence {
  builder: BundleBuilder;
  trustRoot: TrustRoot;
  /** A reader of each organisation's own peer, by MSP id. */
  readers: Map<string, LedgerReader>;
  attesters: Attester[];
  /** A gateway per organisation (its User1), for submitting transactions the tests need. */
  gateways: Map<string, Gateway>;
  close(): void;
}

function orgOf(mspId: string): PeerOrg {
  const org = PEER_ORGS.find((o) => o.mspId === mspId);
  if (!org) throw new Error(`no devnet organisation ${mspId}`);
  return org;
}

/** The peer's own signing identity (its enrolment certificate and key). */
export function peerIdentity(
  devnet: Devnet,
  mspId: string,
): { certificate: string; privateKey: string } {
  const msp = path.join(devnet.paths.peerNodeDir(orgOf(mspId)), 'msp');
  const [cert] = fs.readdirSync(path.join(msp, 'signcerts'));
  if (!cert) throw new Error(`no signing certificate in ${msp}`);
  return {
    certificate: fs.readFileSync(path.join(msp, 'signcerts', cert), 'utf8'),
    privateKey: fs.readFileSync(path.join(msp, 'keystore', 'priv_sk'), 'utf8'),
  };
}

export async function devnetEvidence(
  devnet: Devnet,
  attesterMsps: readonly string[] = DEVNET_ATTESTERS,
): Promise<DevnetEvidence> {
  const clients: FabricClient[] = [];
  const gateways = new Map<string, Gateway>();
  const readers = new Map<string, LedgerReader>();
  for (const org of PEER_ORGS) {
    const connection = loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(org) }).fabric;
    const { client, gateway } = connectGateway(connection);
    clients.push(client);
    gateways.set(org.mspId, gateway);
    readers.set(org.mspId, qsccLedgerReader(gateway.getNetwork(CHANNEL_NAME), CHANNEL_NAME));
  }
  const reader = (mspId: string) => {
    const r = readers.get(mspId);
    if (!r) throw new Error(`no reader for ${mspId}`);
    return r;
  };
  const attesters = attesterMsps.map((mspId) => {
    const identity = peerIdentity(devnet, mspId);
    return createAttester({
      reader: reader(mspId),
      channel: CHANNEL_NAME,
      chaincode: CHAINCODE_NAME,
      mspId,
      certificate: identity.certificate,
      sign: messageSigner(createPrivateKey(identity.privateKey)),
    });
  });
  const [home] = attesterMsps;
  const homeReader = reader(home ?? 'GDCustomsMSP');
  const trustRoot = await trustRootOf(await homeReader.blockByNumber(0n), {
    chaincode: CHAINCODE_NAME,
    attestation: {
      required: attesterMsps.length,
      of: attesterMsps.map((mspId) => ({ mspId, role: 'peer' as const })),
    },
    organisations: DEVNET_ORGANISATION_NAMES,
  });
  const builder = createBundleBuilder({
    reader: homeReader,
    channel: CHANNEL_NAME,
    chaincode: CHAINCODE_NAME,
    attesters,
  });
  return {
    builder,
    trustRoot,
    readers,
    attesters,
    gateways,
    close() {
      for (const g of gateways.values()) g.close();
      for (const c of clients) c.close();
    },
  };
}
