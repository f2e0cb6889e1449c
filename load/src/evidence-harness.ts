/**
 * Evidence on the devnet: a bundle builder reading the GD customs peer, attesters for both
 * customs services (each reading its own peer and signing with its peer's key, as an
 * organisation states what its peer recorded), and the devnet's trust root (its clearance
 * channel's genesis block, both customs services as attesters). For the evidence tests,
 * the fixtures and the bench; never deployed.
 */
import { JURISDICTION_NAMESPACES } from '@clearance/domain';
import {
  addAuthorityChange,
  createTestPki,
  sampleFiling,
  signFiling,
} from '@clearance/testkit/chaincode';
import {
  connectGateway,
  createFabricLedger,
  loadConfig,
  qsccLedgerReader,
  type Ledger,
} from '@clearance/gateway';
import { messageSigner, type FabricClient, type Gateway } from '@clearance/fabric-client';
import {
  CHAINCODE_NAME,
  CHANNEL_NAME,
  PEER_ORGS,
  type Devnet,
  type PeerOrg,
} from '@clearance/devnet';
import {
  createAttester,
  createBundleBuilder,
  trustRootOf,
  type Attester,
  type BundleBuilder,
  type LedgerReader,
  type TrustRoot,
} from '@clearance/verifier';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
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

/** The devnet transactions the evidence tests, fixtures and bench make evidence of. */
export interface EvidenceScenario {
  /** A GD import released by GD customs, then by GD inspection and quarantine (final). */
  gd: { declarationId: string; releases: string[] };
  /** The HK export of the same consignment, released by HK customs. */
  hk: { declarationId: string; releases: string[] };
  /** A GD release endorsed by GD customs, HK customs and the e-lock operator, not GD CIQ:
   * the key-level policy fails it (ENDORSEMENT_POLICY_FAILURE), yet it is in a block. */
  oneAgency: { declarationId: string; transactionId: string; validationCode: number };
  /** A crossing decision at Lok Ma Chau for a seal covering both declarations. */
  crossing: { crossingId: string; transactionId: string };
  /** Every transaction the scenario submitted, with the code its submitter saw. */
  submitted: { transactionId: string; name: string; validationCode: number }[];
}

/** One ledger per devnet officer (`<org>/<name>`), made on first use. */
export function officerLedgers(devnet: Devnet) {
  const ledgers = new Map<string, Ledger>();
  return {
    as(who: string): Ledger {
      let ledger = ledgers.get(who);
      if (!ledger) {
        ledger = createFabricLedger(
          loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(who) }).fabric,
        );
        ledgers.set(who, ledger);
      }
      return ledger;
    },
    async closeAll(): Promise<void> {
      await Promise.all([...ledgers.values()].map((l) => l.close()));
    },
  };
}

/**
 * Makes the scenario's transactions on the devnet (ids unique to `run`): trust list
 * authorities, both declarations through to release, the one-agency release, a sealed
 * device and a crossing decision.
 */
export async function evidenceScenario(devnet: Devnet, run: string): Promise<EvidenceScenario> {
  const officers = officerLedgers(devnet);
  const submitted: EvidenceScenario['submitted'] = [];
  const submit = async (
    who: string,
    name: string,
    args: string[],
    transient?: Record<string, string>,
  ) => {
    const committed = await officers.as(who).submit(name, args, transient);
    submitted.push({ transactionId: committed.transactionId, name, validationCode: 0 });
    return committed;
  };
  try {
    const pki = await createTestPki({ idSuffix: run });
    // Each authority listed as any trust-list change is made: proposed by its own side's
    // trust admin, approved by the other side's.
    for (const [authority, proposer, approver] of [
      [pki.gd, 'gdcustoms/trust-admin', 'hkcustoms/trust-admin'],
      [pki.hk, 'hkcustoms/trust-admin', 'gdcustoms/trust-admin'],
    ] as const) {
      const proposed = await submit(proposer, 'TrustList:ProposeTrustChange', [
        addAuthorityChange(authority),
      ]);
      const { proposalId } = JSON.parse(proposed.result) as { proposalId: string };
      await submit(approver, 'TrustList:ApproveTrustChange', [proposalId, 'agreed']);
    }
    const toEligible = async (id: string, jurisdiction: 'GD' | 'HK') => {
      const signed = await signFiling(
        sampleFiling(id, jurisdiction),
        jurisdiction === 'GD' ? pki.signers.gdTrader : pki.signers.hkTrader,
      );
      const agent = jurisdiction === 'GD' ? 'gdcustoms/agent' : 'hkcustoms/agent';
      const officer = jurisdiction === 'GD' ? 'gdcustoms/officer1' : 'hkcustoms/officer1';
      await submit(agent, 'Declaration:File', signed.args, signed.transient);
      await submit(officer, 'Declaration:Accept', [id, 'documents complete']);
      await submit(officer, 'Declaration:AssessRisk', [id, 'LOW', '5', 'known trader']);
      await submit(officer, 'Declaration:MarkReleaseEligible', [id, 'low risk']);
    };
    const gdId = `GD-${run}`;
    const hkId = `HK-${run}`;
    const oneId = `GD-${run}-ONE`;
    await toEligible(gdId, 'GD');
    await toEligible(hkId, 'HK');
    await toEligible(oneId, 'GD');
    const gd = [
      (await submit('gdcustoms/officer1', 'Declaration:Release', [gdId, 'duties paid']))
        .transactionId,
      (await submit('gdciq/inspector1', 'Declaration:Release', [gdId, 'no quarantine issue']))
        .transactionId,
    ];
    const hk = [
      (await submit('hkcustoms/officer1', 'Declaration:Release', [hkId, 'cleared'])).transactionId,
    ];

    const connection = loadConfig({
      FABRIC_CONNECTION: devnet.connectionFile('gdcustoms/officer1'),
    }).fabric;
    const { client, gateway } = connectGateway(connection);
    let oneAgency: EvidenceScenario['oneAgency'];
    try {
      const proposal = gateway
        .getNetwork(CHANNEL_NAME)
        .getContract(JURISDICTION_NAMESPACES.GD)
        .newProposal('Declaration:Release', {
          arguments: [oneId, 'customs alone'],
          endorsingOrganizations: ['GDCustomsMSP', 'HKCustomsMSP', 'LogisticsMSP'],
        });
      const status = await (await (await proposal.endorse()).submit()).getStatus();
      oneAgency = {
        declarationId: oneId,
        transactionId: status.transactionId,
        validationCode: status.code,
      };
      submitted.push({
        transactionId: status.transactionId,
        name: 'Declaration:Release (one agency)',
        validationCode: status.code,
      });
    } finally {
      gateway.close();
      client.close();
    }

    const deviceId = `EL-${run}`.slice(0, 32);
    const sealId = `SEAL-${run}`;
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await submit('logistics/operator1', 'Seal:RegisterDevice', [
      JSON.stringify({
        deviceId,
        model: 'GPS-ELOCK-7',
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        tagUid: randomBytes(7).toString('hex'),
      }),
    ]);
    await submit('gdcustoms/officer1', 'Seal:AccreditDevice', [deviceId]);
    await submit('hkcustoms/officer1', 'Seal:AccreditDevice', [deviceId]);
    const seal = JSON.stringify({
      sealId,
      deviceId,
      conveyance: 'ZM1234',
      routeId: 'HKIA-FUTIAN',
      declarationIds: [gdId, hkId],
    });
    // The operator's peer may not have the second accreditation yet: INVALID_STATE until it has.
    for (let attempt = 1; ; attempt++) {
      try {
        await submit('logistics/operator1', 'Seal:ApplySeal', [seal]);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'INVALID_STATE' || attempt === 10) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const crossingId = `X-${run}`;
    const decided = await submit('hkcustoms/officer1', 'Crossing:Decide', [
      JSON.stringify({ crossingId, sealId, controlPoint: 'LMC', direction: 'NORTHBOUND' }),
    ]);
    return {
      gd: { declarationId: gdId, releases: gd },
      hk: { declarationId: hkId, releases: hk },
      oneAgency,
      crossing: { crossingId, transactionId: decided.transactionId },
      submitted,
    };
  } finally {
    await officers.closeAll();
  }
}
