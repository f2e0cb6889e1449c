/** Sample dual filings (declarations/dual.ts): one submission, both sides' values, signed once. */
import { canonicalBytes, toHex } from '@clearance/core';
import { sha256, type Commercial, type DualSubmission, type Jurisdiction } from '@clearance/domain';
import { sampleFiling } from './fixtures';

export interface DualFiling {
  submission: DualSubmission;
  commercial: Record<Jurisdiction, Commercial>;
}

const hashOf = async (commercial: Commercial) => toHex(await sha256(canonicalBytes(commercial)));

/** A dual filing: the HK export `<id>-HK` and the GD import `<id>-GD` of the sample goods. */
export async function sampleDualFiling(submissionId: string): Promise<DualFiling> {
  const { declaration, commercial } = sampleFiling(`${submissionId}-GD`, 'GD');
  const { portOfLoading, portOfDischarge } = declaration;
  const shared: DualSubmission['shared'] = {
    consignmentRef: declaration.consignmentRef,
    declarant: declaration.declarant,
    consignor: declaration.consignor,
    consignee: declaration.consignee,
    transport: declaration.transport,
    tradeTerms: declaration.tradeTerms,
    currency: declaration.currency,
    items: declaration.items,
    packages: declaration.packages,
    grossWeightKg: declaration.grossWeightKg,
    netWeightKg: declaration.netWeightKg,
    containers: declaration.containers,
    documents: declaration.documents,
  };
  const hk: Commercial = { ...commercial, salt: 'a1'.repeat(16), invoiceNumber: 'INV-HK-118' };
  const gd: Commercial = { ...commercial, salt: 'b2'.repeat(16) };
  return {
    submission: await withHashes(
      {
        submissionId,
        shared,
        sides: {
          HK: {
            declarationId: `${submissionId}-HK`,
            direction: 'EXPORT',
            customsOffice: 'LMC',
            portOfLoading,
            portOfDischarge,
            commercialSha256: '',
          },
          GD: {
            declarationId: `${submissionId}-GD`,
            direction: 'IMPORT',
            customsOffice: '5320',
            portOfLoading,
            portOfDischarge,
            commercialSha256: '',
          },
        },
      },
      { HK: hk, GD: gd },
    ),
    commercial: { HK: hk, GD: gd },
  };
}

/** The submission with each side's commercialSha256 set from `commercial`. */
export async function withHashes(
  submission: DualSubmission,
  commercial: Record<Jurisdiction, Commercial>,
): Promise<DualSubmission> {
  return {
    ...submission,
    sides: {
      HK: { ...submission.sides.HK, commercialSha256: await hashOf(commercial.HK) },
      GD: { ...submission.sides.GD, commercialSha256: await hashOf(commercial.GD) },
    },
  };
}

/** The arguments of Declaration:FileDual / AmendDual received in `receivedIn`, signed by `sign`. */
export async function signDual(
  filing: DualFiling,
  receivedIn: Jurisdiction,
  sign: (content: Uint8Array) => Promise<Uint8Array>,
): Promise<{
  args: [string, string, string];
  transient: { commercial: string; commercialOther: string };
}> {
  const cms = await sign(canonicalBytes(filing.submission));
  const other = receivedIn === 'GD' ? 'HK' : 'GD';
  return {
    args: [receivedIn, JSON.stringify(filing.submission), Buffer.from(cms).toString('base64')],
    // Both sides' values, as the receiving gateway sends them (the other's handed over).
    transient: {
      commercial: JSON.stringify(filing.commercial[receivedIn]),
      commercialOther: JSON.stringify(filing.commercial[other]),
    },
  };
}
