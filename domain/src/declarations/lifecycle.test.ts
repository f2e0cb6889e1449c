/**
 * The life cycle as a state × act table: for every state, on hold and not, every officer
 * act is either open (availableActs lists it and applyAct takes it to the state below) or
 * closed (availableActs leaves it out and applyAct refuses it with INVALID_STATE).
 */
import { sampleFiling } from '@clearance/testkit/chaincode';
import policy from '../shared/access-policy.json';
import {
  CHANGE_PATHS,
  OFFICER_ACTIONS,
  STATES,
  applyAct,
  availableActs,
  fileDeclaration,
  holdBy,
  holdCausesOf,
  isAllowedVia,
  requiresReason,
  unholdSettled,
  type HoldCause,
  type Jurisdiction,
  type ActInput,
  type ActRecord,
  type Actor,
  type DeclarationRecord,
  type OfficerAction,
  type State,
} from '.';

const CUSTOMS: Actor = { mspId: 'GDCustomsMSP', id: 'officer', role: 'customs-officer' };
const CIQ: Actor = { mspId: 'GDCIQMSP', id: 'inspector', role: 'ciq-officer' };

/** Holding and unholding leave every state that is not final as it was. */
const STAYS_OPEN: Partial<Record<State, State>> = {
  SUBMITTED: 'SUBMITTED',
  ACCEPTED: 'ACCEPTED',
  RISK_ASSESSED: 'RISK_ASSESSED',
  RELEASE_ELIGIBLE: 'RELEASE_ELIGIBLE',
  INSPECTION_ORDERED: 'INSPECTION_ORDERED',
  INSPECTED: 'INSPECTED',
  RELEASED: 'RELEASED',
};

/** Where each act leads from each state it is open in (not on hold; UNHOLD: on hold). */
const TABLE: Record<OfficerAction, Partial<Record<State, State>>> = {
  ACCEPT: { SUBMITTED: 'ACCEPTED' },
  REJECT: { SUBMITTED: 'REJECTED' },
  ASSESS_RISK: { ACCEPTED: 'RISK_ASSESSED' },
  MARK_RELEASE_ELIGIBLE: { RISK_ASSESSED: 'RELEASE_ELIGIBLE' },
  ORDER_INSPECTION: { RISK_ASSESSED: 'INSPECTION_ORDERED' },
  // One agency's sign-off of two: the state waits for the other.
  RECORD_INSPECTION: { INSPECTION_ORDERED: 'INSPECTION_ORDERED' },
  RELEASE: { RELEASE_ELIGIBLE: 'RELEASE_ELIGIBLE', INSPECTED: 'INSPECTED' },
  CLOSE: { RELEASED: 'CLOSED' },
  HOLD: STAYS_OPEN,
  UNHOLD: STAYS_OPEN,
};

function act(action: OfficerAction, actor: Actor = CUSTOMS): ActRecord {
  return { action, actor, reason: 'checked', at: '2026-01-01T00:00:00Z', txId: `tx-${action}` };
}

function recordIn(state: State, onHold: boolean): DeclarationRecord {
  const filing = sampleFiling('DECL-TABLE');
  const filed = fileDeclaration(
    {
      declaration: filing.declaration,
      commercialSha256: '00'.repeat(32),
      signature: {
        signerSubject: 'CN=Trader',
        issuer: 'CN=CA',
        serialNumber: '01',
        jurisdiction: 'GD',
        authorityId: 'GD-CA',
        policyOid: '1.2.3',
        certificateSha256: '11'.repeat(32),
        contentSha256: '22'.repeat(32),
      },
    },
    { ...act('ACCEPT'), action: 'FILE' },
  );
  return { ...filed, state, hold: onHold ? act('HOLD') : null };
}

function input(action: OfficerAction): ActInput {
  if (action === 'ASSESS_RISK') return { action, level: 'LOW', score: 10 };
  if (action === 'RECORD_INSPECTION') return { action, result: 'COMPLIANT', findings: '' };
  return { action };
}

describe('the life cycle, state × act', () => {
  for (const state of STATES) {
    for (const onHold of [false, true]) {
      const record = recordIn(state, onHold);
      const open = availableActs(record, CUSTOMS);
      for (const action of OFFICER_ACTIONS) {
        const holdAllows = onHold === (action === 'UNHOLD');
        const to = holdAllows ? TABLE[action][state] : undefined;
        const label = `${action} from ${state}${onHold ? ' on hold' : ''}`;
        if (to !== undefined) {
          it(`${label} is open and leads to ${to}`, () => {
            expect(open).toContain(action);
            const next = applyAct(record, input(action), act(action));
            expect(next.state).toBe(to);
            expect(next.hold === null).toBe(
              action === 'HOLD' ? false : action === 'UNHOLD' || !onHold,
            );
            expect(next.lastAct.txId).toBe(`tx-${action}`);
          });
        } else {
          it(`${label} is closed`, () => {
            expect(open).not.toContain(action);
            expect(() => applyAct(record, input(action), act(action))).toThrow(
              expect.objectContaining({ code: 'INVALID_STATE' }),
            );
          });
        }
      }
    }
  }
});

describe('the rules beside the table', () => {
  it('a joint act is closed to an agency that has taken it and open to the other', () => {
    const ordered = recordIn('INSPECTION_ORDERED', false);
    const once = applyAct(ordered, input('RECORD_INSPECTION'), act('RECORD_INSPECTION'));
    expect(availableActs(once, CUSTOMS)).not.toContain('RECORD_INSPECTION');
    expect(availableActs(once, CIQ)).toContain('RECORD_INSPECTION');
    expect(() => applyAct(once, input('RECORD_INSPECTION'), act('RECORD_INSPECTION'))).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
    const both = applyAct(once, input('RECORD_INSPECTION'), act('RECORD_INSPECTION', CIQ));
    expect(both.state).toBe('INSPECTED');
  });

  it('the access policy closes acts the actor may not take', () => {
    expect(availableActs(recordIn('SUBMITTED', false), CIQ)).toEqual(['HOLD']);
    expect(
      availableActs(recordIn('SUBMITTED', false), { ...CUSTOMS, role: 'filing-agent' }),
    ).toEqual([]);
  });

  it('rejecting and holding need a reason; other acts do not', () => {
    expect(OFFICER_ACTIONS.filter(requiresReason)).toEqual(['REJECT', 'HOLD']);
    const submitted = recordIn('SUBMITTED', false);
    expect(() =>
      applyAct(submitted, { action: 'REJECT' }, { ...act('REJECT'), reason: '  ' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(applyAct(submitted, { action: 'ACCEPT' }, { ...act('ACCEPT'), reason: '' }).state).toBe(
      'ACCEPTED',
    );
  });
});

describe('holds other acts make: their causes, and one rule for every path', () => {
  const OPERATOR: Actor = { mspId: 'LogisticsMSP', id: 'ops', role: 'seal-operator' };
  const HK: Actor = { mspId: 'HKCustomsMSP', id: 'hk', role: 'customs-officer' };
  const alarm = (txId: string): HoldCause & { path: 'SEAL_ALARM' } => ({
    ...act('HOLD', OPERATOR),
    reason: `alarm ${txId}`,
    txId,
    path: 'SEAL_ALARM',
    sealId: 'SEAL-1',
  });

  it('keeps every cause: the first is the hold, each later one is the last act', () => {
    const first = holdBy(recordIn('ACCEPTED', false), alarm('tx-a1'));
    const second = first && holdBy(first, alarm('tx-a2'));
    expect(second?.hold?.txId).toBe('tx-a1');
    expect(second?.lastAct).toMatchObject({ action: 'HOLD', txId: 'tx-a2' });
    expect(holdCausesOf(second as DeclarationRecord).map((c) => c.txId)).toEqual([
      'tx-a1',
      'tx-a2',
    ]);
    // Nothing to hold once rejected or closed.
    expect(holdBy(recordIn('CLOSED', false), alarm('tx-a3'))).toBeNull();
  });

  it("a record's hold from before causes were kept is its one cause", () => {
    const legacy = recordIn('ACCEPTED', true);
    expect(legacy.holdCauses).toBeUndefined();
    expect(holdCausesOf(legacy)).toEqual([legacy.hold]);
  });

  it('lifts a hold only when every cause is settled, for a caller who may unhold', () => {
    const held = holdBy(holdBy(recordIn('ACCEPTED', false), alarm('tx-a1'))!, alarm('tx-a2'))!;
    const unhold = act('UNHOLD');
    expect(unholdSettled(held, 'CROSSING_OUTCOME', unhold, (c) => c.txId === 'tx-a1')).toBeNull();
    const lifted = unholdSettled(held, 'CROSSING_OUTCOME', unhold, () => true);
    expect(lifted).toMatchObject({ hold: null, holdCauses: [], lastAct: { action: 'UNHOLD' } });
    // The other side's customs lifts alarm-only holds through a clearing, never a direct act.
    expect(
      unholdSettled(held, 'CROSSING_OUTCOME', { ...unhold, actor: HK }, () => true),
    ).toMatchObject({ hold: null, holdCauses: [] });
    // A seal operator lifts nothing, by any path.
    expect(
      unholdSettled(held, 'CROSSING_OUTCOME', { ...unhold, actor: OPERATOR }, () => true),
    ).toBeNull();
    // An officer's UNHOLD lifts every cause.
    expect(applyAct(held, { action: 'UNHOLD' }, unhold)).toMatchObject({
      hold: null,
      holdCauses: [],
    });
  });

  it('an officer hold and a non-compliant inspection are causes of their own', () => {
    const held = applyAct(recordIn('ACCEPTED', false), { action: 'HOLD' }, act('HOLD'));
    expect(held.holdCauses).toEqual([{ ...act('HOLD'), path: 'DIRECT' }]);
  });

  const MSPS = ['GDCustomsMSP', 'GDCIQMSP', 'HKCustomsMSP', 'LogisticsMSP'];
  const ROLES = ['customs-officer', 'ciq-officer', 'seal-operator', 'filing-agent'];
  type Rows = Record<Jurisdiction, string[][]>;
  const table = (path: (typeof CHANGE_PATHS)[number], action: 'HOLD' | 'UNHOLD'): Rows[] => [
    policy.actions[action],
    ...(path === 'DIRECT' ? [] : [(policy.paths[path] as Record<string, Rows>)[action] as Rows]),
  ];
  const cases = CHANGE_PATHS.flatMap((path) =>
    (['HOLD', 'UNHOLD'] as const).map((action) => [path, action] as const),
  );
  it.each(cases)("by path %s, %s follows the direct row plus the path's grants", (path, action) => {
    for (const jurisdiction of ['GD', 'HK'] as const)
      for (const mspId of MSPS)
        for (const role of ROLES) {
          const granted = table(path, action).some((rows) =>
            rows[jurisdiction].some(([m, r]) => m === mspId && r === role),
          );
          const actor = { mspId, id: 'x', role };
          expect([
            jurisdiction,
            mspId,
            role,
            isAllowedVia(action, path, jurisdiction, actor),
          ]).toEqual([jurisdiction, mspId, role, granted]);
        }
  });

  it('spot checks that do not read the table', () => {
    const CIQ_ACTOR = CIQ;
    expect(isAllowedVia('HOLD', 'CROSSING_OUTCOME', 'HK', CIQ_ACTOR)).toBe(false);
    expect(isAllowedVia('HOLD', 'CROSSING_OUTCOME', 'GD', CIQ_ACTOR)).toBe(true);
    expect(isAllowedVia('HOLD', 'SEAL_ALARM', 'HK', OPERATOR)).toBe(true);
    expect(isAllowedVia('HOLD', 'DIRECT', 'HK', OPERATOR)).toBe(false);
    expect(isAllowedVia('UNHOLD', 'CROSSING_OUTCOME', 'GD', HK)).toBe(true);
    expect(isAllowedVia('UNHOLD', 'DIRECT', 'GD', HK)).toBe(false);
    expect(isAllowedVia('UNHOLD', 'CROSSING_OUTCOME', 'HK', CIQ_ACTOR)).toBe(true);
    expect(isAllowedVia('UNHOLD', 'SEAL_ALARM', 'GD', OPERATOR)).toBe(false);
  });
});
