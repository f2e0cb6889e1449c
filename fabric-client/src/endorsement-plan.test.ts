import { describe, expect, it } from '@jest/globals';
import policy from '@clearance/domain/access-policy.json';
import { endorsementPlan, majority, nextEndorsers } from './endorsement-plan';

const ALL = ['GDCustomsMSP', 'GDCIQMSP', 'HKCustomsMSP', 'LogisticsMSP'];

describe('endorsementPlan', () => {
  it('asks any 3 of the 4 organisations where no key-level policy applies', () => {
    expect(majority(4)).toBe(3);
    for (const tx of ['SelfCheck:Record', 'Seal:ApplySeal', 'Declaration:Accept'])
      expect(endorsementPlan(tx)).toEqual({ required: [], total: 3, eligible: ALL });
  });

  it('needs every joint agency for a release, and GD and HK customs for trust-list changes', () => {
    expect(endorsementPlan('Declaration:Release').required).toEqual(
      expect.arrayContaining(['GDCustomsMSP', 'GDCIQMSP', ...policy.jointAgencies.HK]),
    );
    for (const tx of ['TrustList:ApproveTrustChange', 'TrustList:UpdateRevocationList'])
      expect(endorsementPlan(tx)).toMatchObject({
        required: ['GDCustomsMSP', 'HKCustomsMSP'],
        total: 3,
      });
  });

  it("narrows a release to the joint agencies of the declaration's jurisdiction", () => {
    expect(endorsementPlan('Declaration:Release', 'GD').required).toEqual(policy.jointAgencies.GD);
    expect(endorsementPlan('Declaration:Release', 'HK')).toEqual({
      required: policy.jointAgencies.HK,
      total: 3,
      eligible: ALL,
    });
    // An unknown jurisdiction (or none) keeps every joint agency.
    expect(endorsementPlan('Declaration:Release', 'XX').required).toHaveLength(3);
    expect(endorsementPlan('SelfCheck:Record', 'GD').required).toEqual([]);
  });

  it('keeps private-data writes on collection members', () => {
    expect(endorsementPlan('Declaration:File').eligible).not.toContain('LogisticsMSP');
    expect(endorsementPlan('Declaration:Amend').eligible).toHaveLength(3);
  });
});

describe('nextEndorsers', () => {
  const trust = endorsementPlan('TrustList:ApproveTrustChange');
  const none = { endorsed: [], failed: [], pending: [] };

  it('asks the required ones and enough others, in preference order', () => {
    expect(
      nextEndorsers(trust, none, ['LogisticsMSP', 'GDCIQMSP', 'GDCustomsMSP', 'HKCustomsMSP']),
    ).toEqual({
      done: false,
      ask: ['GDCustomsMSP', 'HKCustomsMSP', 'LogisticsMSP'],
    });
  });

  it('routes around a failed optional peer', () => {
    const next = nextEndorsers(trust, {
      endorsed: ['GDCustomsMSP', 'HKCustomsMSP'],
      failed: ['GDCIQMSP'],
      pending: [],
    });
    expect(next).toEqual({ done: false, ask: ['LogisticsMSP'] });
  });

  it('does not ask again while an answer is pending, and is done at the total', () => {
    expect(
      nextEndorsers(trust, {
        endorsed: ['GDCustomsMSP'],
        failed: [],
        pending: ['HKCustomsMSP', 'GDCIQMSP'],
      }),
    ).toEqual({ done: false, ask: [] });
    expect(
      nextEndorsers(trust, {
        endorsed: ['GDCustomsMSP', 'HKCustomsMSP', 'GDCIQMSP'],
        failed: [],
        pending: [],
      }),
    ).toEqual({ done: true });
  });

  it('gives up when a required peer failed or too few are left', () => {
    expect(
      nextEndorsers(trust, { endorsed: [], failed: ['HKCustomsMSP'], pending: [] }),
    ).toMatchObject({
      impossible: expect.stringContaining('HKCustomsMSP'),
    });
    const file = endorsementPlan('Declaration:File');
    expect(
      nextEndorsers(file, { endorsed: ['GDCustomsMSP'], failed: ['GDCIQMSP'], pending: [] }),
    ).toMatchObject({
      impossible: expect.stringContaining('3 endorsements needed'),
    });
  });
});
