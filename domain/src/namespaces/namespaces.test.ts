import { describe, expect, it } from '@jest/globals';
import { LedgerError } from '../shared/errors';
import {
  ACT_HOMES,
  JOINT_NAMESPACE,
  NAMESPACES,
  WRONG_NAMESPACE,
  commercialCollection,
  guardNamespace,
  homeOf,
  routeOf,
  signaturePolicy,
} from './namespaces';

function refusal(run: () => void): LedgerError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  return undefined;
}

describe('namespaces', () => {
  it('one definition per jurisdiction and a joint one, each with its own policy', () => {
    expect(NAMESPACES).toEqual(['clearance', 'clearance-gd', 'clearance-hk']);
    expect(signaturePolicy('clearance-gd')).toBe("OR('GDCustomsMSP.peer', 'GDCIQMSP.peer')");
    expect(signaturePolicy('clearance-hk')).toBe("OR('HKCustomsMSP.peer')");
    expect(JOINT_NAMESPACE).toBe('clearance');
    expect(signaturePolicy(JOINT_NAMESPACE)).toBe("AND('GDCustomsMSP.peer', 'HKCustomsMSP.peer')");
    expect(commercialCollection('GD')).toBe('commercialValuesGD');
    expect(commercialCollection('HK')).toBe('commercialValuesHK');
  });

  it("refuses a GD declaration's acts proposed to HK's namespace or the joint one, coded", () => {
    for (const tx of ['Declaration:File', 'Declaration:Accept', 'Declaration:Release'])
      for (const proposed of ['clearance-hk', 'clearance', 'elsewhere']) {
        const error = refusal(() => guardNamespace(tx, proposed, 'GD'));
        expect(error?.code).toBe('FORBIDDEN');
        expect(error?.reason).toBe(WRONG_NAMESPACE);
      }
    expect(refusal(() => guardNamespace('Declaration:File', 'clearance-gd', 'GD'))).toBeUndefined();
    expect(refusal(() => guardNamespace('Declaration:File', 'clearance-hk', 'HK'))).toBeUndefined();
    expect(refusal(() => guardNamespace('Declaration:Hold', 'clearance-gd', 'HK'))?.reason).toBe(
      WRONG_NAMESPACE,
    );
  });

  it('keeps joint acts in the joint namespace', () => {
    for (const tx of Object.keys(ACT_HOMES).filter((t) => homeOf(t) === 'joint')) {
      expect(refusal(() => guardNamespace(tx, 'clearance'))).toBeUndefined();
      expect(refusal(() => guardNamespace(tx, 'clearance-gd'))?.reason).toBe(WRONG_NAMESPACE);
      expect(refusal(() => guardNamespace(tx, 'clearance-hk'))?.reason).toBe(WRONG_NAMESPACE);
    }
    expect(homeOf('Crossing:Decide')).toBe('joint');
    expect(homeOf('TrustList:ApproveTrustChange')).toBe('joint');
  });

  it('takes a write from the joint namespace only when the proposal names the joint one', () => {
    expect(refusal(() => guardNamespace('Declaration:SaveFromJoint', 'clearance'))).toBeUndefined();
    expect(refusal(() => guardNamespace('Declaration:SaveFromJoint', 'clearance-hk'))?.reason).toBe(
      WRONG_NAMESPACE,
    );
  });

  it('lets reads and self-checks run wherever they are proposed', () => {
    for (const tx of ['TrustList:ListAuthorities', 'Declaration:Get', 'SelfCheck:Record'])
      for (const ns of NAMESPACES) expect(refusal(() => guardNamespace(tx, ns))).toBeUndefined();
  });

  it('needs the jurisdiction to guard a jurisdiction act (a programming error otherwise)', () => {
    expect(() => guardNamespace('Declaration:Accept', 'clearance-gd')).toThrow(
      /jurisdiction is needed/,
    );
  });

  it('routes filings by their jurisdiction, officers’ acts by the declaration, the rest joint', () => {
    const gd = JSON.stringify({ jurisdiction: 'GD' });
    const hk = JSON.stringify({ jurisdiction: 'HK' });
    expect(routeOf('Declaration:File', [gd, 'sig'], 'HKCustomsMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance-gd',
    });
    expect(routeOf('Declaration:Amend', [hk, 'sig'], 'GDCustomsMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance-hk',
    });
    expect(routeOf('Declaration:File', ['{not json', 'sig'], 'GDCustomsMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance-gd',
    });
    expect(routeOf('Declaration:Release', ['D-1', ''], 'GDCIQMSP')).toEqual({
      kind: 'declaration',
      id: 'D-1',
    });
    expect(routeOf('Declaration:ListByConsignment', ['C-1'], 'GDCIQMSP')).toEqual({
      kind: 'every-jurisdiction',
    });
    // Dual filings: the jurisdiction named first (received in, or whose half), whoever asks.
    for (const tx of ['FileDual', 'AmendDual', 'FileHalf', 'GetSubmission', 'PendingHalves'])
      for (const [j, namespace] of [
        ['HK', 'clearance-hk'],
        ['GD', 'clearance-gd'],
        ['XX', 'clearance-gd'],
      ])
        expect(routeOf(`Declaration:${tx}`, [j ?? '', 'S-1'], 'GDCustomsMSP')).toEqual({
          kind: 'namespace',
          namespace,
        });
    for (const tx of ['Crossing:Decide', 'TrustList:ListAuthorities', 'Seal:AnchorReadings'])
      expect(routeOf(tx, [], 'LogisticsMSP')).toEqual({
        kind: 'namespace',
        namespace: 'clearance',
      });
    expect(routeOf('SelfCheck:Record', ['c', ''], 'GDCIQMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance-gd',
    });
    expect(routeOf('SelfCheck:Get', ['c'], 'HKCustomsMSP')).toEqual({
      kind: 'first-found',
      namespaces: ['clearance-hk', 'clearance', 'clearance-gd'],
    });
    expect(routeOf('SelfCheck:Record', ['c', ''], 'HKCustomsMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance-hk',
    });
  });
});
