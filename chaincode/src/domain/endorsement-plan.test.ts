import { describe, expect, it } from '@jest/globals';
import policy from './access-policy.json';
import { endorsementPlan, nextEndorsers, type EndorsementPlan } from './endorsement-plan';

const GD = 'clearance-gd';
const HK = 'clearance-hk';
const JOINT = 'clearance';

describe('endorsementPlan ', () => {
  it("asks one peer of the jurisdiction's own agencies for its acts, never the other side's", () => {
    for (const tx of ['Declaration:File', 'Declaration:Accept', 'Declaration:AssessRisk'])
      expect(endorsementPlan(tx, GD)).toEqual({
        required: [],
        total: 1,
        eligible: ['GDCustomsMSP', 'GDCIQMSP'],
      });
    expect(endorsementPlan('Declaration:File', HK)).toEqual({
      required: [],
      total: 1,
      eligible: ['HKCustomsMSP'],
    });
  });

  it("needs every joint agency of the namespace's jurisdiction for a release", () => {
    expect(endorsementPlan('Declaration:Release', GD)).toEqual({
      required: policy.jointAgencies.GD,
      total: 2,
      eligible: policy.jointAgencies.GD,
    });
    expect(endorsementPlan('Declaration:Release', HK).required).toEqual(policy.jointAgencies.HK);
  });

  it('needs both customs services for every joint act, the operators’ ones included', () => {
    for (const tx of [
      'TrustList:ApproveTrustChange',
      'Crossing:Decide',
      'Crossing:RecordOutcome',
      'Seal:AnchorReadings',
      'Seal:RecordAlarm',
    ])
      expect(endorsementPlan(tx, JOINT)).toEqual({
        required: ['GDCustomsMSP', 'HKCustomsMSP'],
        total: 2,
        eligible: ['GDCustomsMSP', 'HKCustomsMSP'],
      });
  });

  it('a self-check asks the chaincode-level policy of the namespace it is made in', () => {
    expect(endorsementPlan('SelfCheck:Record', GD).total).toBe(1);
    expect(endorsementPlan('SelfCheck:Record', JOINT).total).toBe(2);
  });
});

describe('nextEndorsers', () => {
  const trust = endorsementPlan('TrustList:ApproveTrustChange', JOINT);
  const gdFiling = endorsementPlan('Declaration:File', GD);
  const none = { endorsed: [], failed: [], pending: [] };

  it('asks the required ones first', () => {
    expect(nextEndorsers(trust, none)).toEqual({
      done: false,
      ask: ['GDCustomsMSP', 'HKCustomsMSP'],
    });
  });

  it('routes a GD act around a dead GD peer to the other GD agency, never to HK', () => {
    expect(nextEndorsers(gdFiling, none, ['HKCustomsMSP', 'GDCIQMSP', 'GDCustomsMSP'])).toEqual({
      done: false,
      ask: ['GDCIQMSP'],
    });
    expect(
      nextEndorsers(gdFiling, { endorsed: [], failed: ['GDCIQMSP'], pending: [] }, [
        'GDCIQMSP',
        'GDCustomsMSP',
      ]),
    ).toEqual({ done: false, ask: ['GDCustomsMSP'] });
    expect(
      nextEndorsers(gdFiling, { endorsed: ['GDCustomsMSP'], failed: [], pending: [] }),
    ).toEqual({ done: true });
  });

  it('does not ask again while an answer is pending, and is done at the total', () => {
    expect(
      nextEndorsers(trust, { endorsed: ['GDCustomsMSP'], failed: [], pending: ['HKCustomsMSP'] }),
    ).toEqual({ done: false, ask: [] });
    expect(
      nextEndorsers(trust, { endorsed: ['GDCustomsMSP', 'HKCustomsMSP'], failed: [], pending: [] }),
    ).toEqual({ done: true });
  });

  it('gives up when a required peer failed or too few are left', () => {
    expect(
      nextEndorsers(trust, { endorsed: [], failed: ['HKCustomsMSP'], pending: [] }),
    ).toMatchObject({ impossible: expect.stringContaining('HKCustomsMSP') });
    const both: EndorsementPlan = gdFiling;
    expect(
      nextEndorsers(both, { endorsed: [], failed: ['GDCIQMSP', 'GDCustomsMSP'], pending: [] }),
    ).toMatchObject({ impossible: expect.stringContaining('1 endorsements needed') });
  });
});
