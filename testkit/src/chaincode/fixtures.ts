/** Sample filings and the officers who act on them, for tests of every layer. */
import { canonicalBytes } from '@clearance/core';
import type { Commercial, Declaration, Filing, Jurisdiction } from '@clearance/domain';
import { type TestAuthority, type TestSigner, ACCEPTED_POLICIES } from './test-pki';
import type { TestIdentity } from './memory-ledger';

export function sampleFiling(declarationId: string, jurisdiction: Jurisdiction = 'GD'): Filing {
  const declaration: Declaration = {
    declarationId,
    direction: jurisdiction === 'GD' ? 'IMPORT' : 'EXPORT',
    jurisdiction,
    consignmentRef: 'UCR-2026-HKSZ-0001',
    declarant: { name: 'Pearl River Trading Ltd', identifier: '91440300MA5XXXXX0X', country: 'CN' },
    consignor: {
      name: 'Kowloon Electronics Co',
      address: '1 Canton Road, Tsim Sha Tsui',
      country: 'HK',
    },
    consignee: { name: 'Shenzhen Components Co', address: 'Futian, Shenzhen', country: 'CN' },
    customsOffice: jurisdiction === 'GD' ? '5320' : 'LMC',
    portOfLoading: 'HKHKG',
    portOfDischarge: 'CNSZX',
    transport: {
      mode: 'ROAD',
      conveyance: 'ZM1234 / 粵Z1234港',
      tripId: 'TRIP-0001',
      billOfLading: 'RWB-77881',
    },
    tradeTerms: 'FCA',
    currency: 'HKD',
    items: [
      {
        lineNo: 1,
        hsCode: '85423100',
        description: 'Processors and controllers',
        quantity: 1200,
        unit: 'H87',
        origin: 'TW',
      },
      {
        lineNo: 2,
        hsCode: '854411',
        description: 'Winding wire of copper',
        quantity: 350.5,
        unit: 'KGM',
        origin: 'CN',
      },
    ],
    packages: { count: 40, kind: 'CT' },
    grossWeightKg: 860,
    netWeightKg: 790,
    containers: [{ number: 'CSQU3054383', sealNumbers: ['EL-000123'] }],
    documents: [{ type: 'INVOICE', reference: 'INV-2026-118' }],
  };
  const commercial: Commercial = {
    salt: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    invoiceNumber: 'INV-2026-118',
    freight: '1800.00',
    insurance: '240.50',
    lines: [
      { lineNo: 1, unitValue: '310.00', totalValue: '372000.00' },
      { lineNo: 2, unitValue: '96.40', totalValue: '33788.20' },
    ],
    totalValue: '405788.20',
  };
  return { declaration, commercial };
}

export interface SignedFilingArgs {
  args: [string, string];
  transient: { commercial: string };
}

/** The transaction arguments of a filing signed by `signer`. */
export async function signFiling(
  filing: Filing,
  signer: TestSigner,
  at?: Date,
): Promise<SignedFilingArgs> {
  const cms = await signer.sign(canonicalBytes(filing), at);
  return {
    args: [JSON.stringify(filing.declaration), Buffer.from(cms).toString('base64')],
    transient: { commercial: JSON.stringify(filing.commercial) },
  };
}

export function authorityInput(authority: TestAuthority): string {
  return JSON.stringify({
    authorityId: authority.authorityId,
    name: `${authority.authorityId} (test)`,
    jurisdiction: authority.jurisdiction,
    caCertPem: authority.caPem,
    acceptedPolicies: ACCEPTED_POLICIES[authority.jurisdiction],
    crlPem: authority.crlPem,
  });
}

/** Anything that submits a transaction and gives its result: the twin's invoker, a Ledger. */
export interface TransactionSubmitter {
  submit(transaction: string, args: string[]): Promise<{ result: string }>;
}

/** The change that adds `authority` (a TestAuthority, or AuthorityInput JSON). */
export function addAuthorityChange(
  authority: TestAuthority | string,
  reason = 'recognised',
): string {
  const input = typeof authority === 'string' ? authority : authorityInput(authority);
  return JSON.stringify({ change: 'ADD', authority: JSON.parse(input) as unknown, reason });
}

/**
 * Makes a trust-list change the only way there is: proposed by one customs service's trust
 * administrator, approved by the other's. Returns the approved proposal's JSON.
 */
export async function approvedTrustChange(
  proposer: TransactionSubmitter,
  approver: TransactionSubmitter,
  changeJson: string,
): Promise<string> {
  const proposed = await proposer.submit('TrustList:ProposeTrustChange', [changeJson]);
  const { proposalId } = JSON.parse(proposed.result) as { proposalId: string };
  return (await approver.submit('TrustList:ApproveTrustChange', [proposalId, 'agreed'])).result;
}

/** Puts an authority on the trust list: proposed by one side's trust admin, approved by the other's. */
export async function listAuthority(
  proposer: TransactionSubmitter,
  approver: TransactionSubmitter,
  authority: TestAuthority | string,
): Promise<string> {
  return approvedTrustChange(proposer, approver, addAuthorityChange(authority));
}

const person = (mspId: string, role: string, name: string): TestIdentity => ({
  mspId,
  id: `x509::CN=${name}::CN=ca.${mspId}`,
  attributes: { role },
});

/** One identity per (organisation, role) the tests act as. */
export const OFFICERS = {
  gdCustoms: person('GDCustomsMSP', 'customs-officer', 'gd-officer'),
  gdCiq: person('GDCIQMSP', 'ciq-officer', 'ciq-officer'),
  hkCustoms: person('HKCustomsMSP', 'customs-officer', 'hk-officer'),
  gdAgent: person('GDCustomsMSP', 'filing-agent', 'gd-gateway'),
  hkAgent: person('HKCustomsMSP', 'filing-agent', 'hk-gateway'),
  gdTrustAdmin: person('GDCustomsMSP', 'trust-admin', 'gd-trust'),
  hkTrustAdmin: person('HKCustomsMSP', 'trust-admin', 'hk-trust'),
  sealOperator: person('LogisticsMSP', 'seal-operator', 'lock-ops'),
  /** The lane terminal at Lok Ma Chau: its certificate names its control point. */
  hkLaneLmc: {
    ...person('HKCustomsMSP', 'lane-device', 'lane-lmc'),
    attributes: { role: 'lane-device', controlPoint: 'LMC' },
  },
} as const;
