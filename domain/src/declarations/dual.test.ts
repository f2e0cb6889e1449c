import { sampleDualFiling, withHashes } from '@clearance/testkit/chaincode';
import {
  declarationOf,
  halfChanged,
  pairLink,
  parseDualSubmission,
  requireCommercialOf,
  requireRecognisedFor,
} from './dual';
import { DeclarationSchema } from './declaration';
import { LedgerError } from '../shared/errors';

const coded = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof LedgerError) return { code: error.code, reason: error.reason };
    throw error;
  }
  return undefined;
};

describe('dual submission', () => {
  it('makes both declarations of the shared data and each side’s own fields', async () => {
    const { submission } = await sampleDualFiling('SUB-1');
    const hk = declarationOf(submission, 'HK');
    const gd = declarationOf(submission, 'GD');
    expect(DeclarationSchema.parse(hk)).toEqual(hk);
    expect(hk).toMatchObject({
      declarationId: 'SUB-1-HK',
      jurisdiction: 'HK',
      direction: 'EXPORT',
    });
    expect(gd).toMatchObject({
      declarationId: 'SUB-1-GD',
      jurisdiction: 'GD',
      direction: 'IMPORT',
    });
    expect(gd.items).toEqual(hk.items);
    expect(hk).not.toHaveProperty('commercialSha256');
  });

  it('refuses a submission whose halves share an id or a direction, or whose half is invalid', async () => {
    const { submission } = await sampleDualFiling('SUB-2');
    const sameId = {
      ...submission,
      sides: { ...submission.sides, HK: { ...submission.sides.HK, declarationId: 'SUB-2-GD' } },
    };
    const sameDirection = {
      ...submission,
      sides: { ...submission.sides, HK: { ...submission.sides.HK, direction: 'IMPORT' } },
    };
    const badPort = {
      ...submission,
      sides: { ...submission.sides, GD: { ...submission.sides.GD, portOfDischarge: 'XXAAA' } },
    };
    const extra = { ...submission, shared: { ...submission.shared, jurisdiction: 'HK' } };
    for (const bad of [sameId, sameDirection, badPort, extra, null, 'x'])
      expect(coded(() => parseDualSubmission(bad))).toEqual({
        code: 'INVALID_ARGUMENT',
        reason: undefined,
      });
    expect(parseDualSubmission(JSON.parse(JSON.stringify(submission)))).toEqual(submission);
  });

  it('tells which half an amendment changes: shared data both, a side’s own field that side', async () => {
    const { submission, commercial } = await sampleDualFiling('SUB-3');
    const shared = {
      ...submission,
      shared: { ...submission.shared, grossWeightKg: 900 },
    };
    expect([halfChanged(submission, shared, 'GD'), halfChanged(submission, shared, 'HK')]).toEqual([
      true,
      true,
    ]);
    const hkOnly = {
      ...submission,
      sides: { ...submission.sides, HK: { ...submission.sides.HK, customsOffice: 'MKT' } },
    };
    expect([halfChanged(submission, hkOnly, 'GD'), halfChanged(submission, hkOnly, 'HK')]).toEqual([
      false,
      true,
    ]);
    const gdValues = await withHashes(submission, {
      ...commercial,
      GD: { ...commercial.GD, freight: '1.00' },
    });
    expect([
      halfChanged(submission, gdValues, 'GD'),
      halfChanged(submission, gdValues, 'HK'),
    ]).toEqual([true, false]);
  });

  it('links each half to the other', async () => {
    const { submission } = await sampleDualFiling('SUB-4');
    expect(pairLink(submission, 2, 'HK', 'GD')).toEqual({
      submissionId: 'SUB-4',
      submissionVersion: 2,
      receivedIn: 'HK',
      other: { jurisdiction: 'HK', declarationId: 'SUB-4-HK' },
    });
  });

  it('refuses values other than those signed', async () => {
    const { submission } = await sampleDualFiling('SUB-5');
    expect(
      coded(() => requireCommercialOf(submission, 'GD', submission.sides.HK.commercialSha256)),
    ).toEqual({
      code: 'INVALID_ARGUMENT',
      reason: undefined,
    });
    expect(
      coded(() => requireCommercialOf(submission, 'GD', submission.sides.GD.commercialSha256)),
    ).toBeUndefined();
  });
});

describe('recognition for a side', () => {
  it('recognises an authority without recognisedFor for both sides (mutual recognition)', () => {
    expect(coded(() => requireRecognisedFor({ authorityId: 'A' }, 'GD'))).toBeUndefined();
    expect(coded(() => requireRecognisedFor({ authorityId: 'A' }, 'HK'))).toBeUndefined();
  });

  it('refuses the side an authority is not recognised for, naming it', () => {
    const gdOnly = { authorityId: 'A', recognisedFor: ['GD' as const] };
    expect(coded(() => requireRecognisedFor(gdOnly, 'GD'))).toBeUndefined();
    expect(coded(() => requireRecognisedFor(gdOnly, 'HK'))).toEqual({
      code: 'CERTIFICATE_REJECTED',
      reason: 'NOT_RECOGNISED_FOR_HK',
    });
    const hkOnly = { authorityId: 'B', recognisedFor: ['HK' as const] };
    expect(coded(() => requireRecognisedFor(hkOnly, 'GD'))).toEqual({
      code: 'CERTIFICATE_REJECTED',
      reason: 'NOT_RECOGNISED_FOR_GD',
    });
  });
});
