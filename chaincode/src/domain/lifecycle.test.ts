/**
 * The life cycle as a state × act table: for every state, on hold and not, every officer
 * act is either open (availableActs lists it and applyAct takes it to the state below) or
 * closed (availableActs leaves it out and applyAct refuses it with INVALID_STATE).
 */
import { sampleFiling } from '@clearance/testkit/chaincode';
import {
  OFFICER_ACTIONS,
  STATES,
  applyAct,
  availableActs,
  fileDeclaration,
  requiresReason,
  type ActInput,
  type ActRecord,
  type Actor,
  type DeclarationRecord,
  type OfficerAction,
  type State,
} from './lifecycle';

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
