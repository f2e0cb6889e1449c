/**
 * Every cell of the allow table (domain/access-policy.json), enforced by the contract:
 * for each act, jurisdiction, organisation and role, a declaration is brought to a state
 * where the act is possible, and the act must succeed exactly where the table allows it
 * and otherwise fail with FORBIDDEN, changing nothing.
 */
import policy from '@clearance/domain/access-policy.json';
import { ACTIONS, ROLES, type Action, type Jurisdiction } from '@clearance/domain';
import {
  OFFICERS,
  listAuthority,
  sampleFiling,
  signFiling,
  MemoryLedger,
  type TestIdentity,
  createTestPki,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { DeclarationContract } from './declaration';
import { TrustListContract } from './trust-list';

const MSPS = ['GDCustomsMSP', 'GDCIQMSP', 'HKCustomsMSP', 'LogisticsMSP'] as const;
const JURISDICTIONS: Jurisdiction[] = ['GD', 'HK'];

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

type Step = [keyof typeof OFFICERS | 'customs' | 'agent', string, string[]];

/** The acts (by entitled officers) that bring a fresh declaration to where `action` applies. */
function preparation(action: Action, jurisdiction: Jurisdiction): Step[] {
  const toRisk: Step[] = [
    ['customs', 'Accept', ['']],
    ['customs', 'AssessRisk', ['LOW', '10', '']],
  ];
  const releases: Step[] =
    jurisdiction === 'GD'
      ? [
          ['gdCustoms', 'Release', ['']],
          ['gdCiq', 'Release', ['']],
        ]
      : [['hkCustoms', 'Release', ['']]];
  switch (action) {
    case 'FILE':
    case 'AMEND':
    case 'ACCEPT':
    case 'REJECT':
    case 'HOLD':
      return [];
    case 'UNHOLD':
      return [['customs', 'Hold', ['seal alarm']]];
    case 'ASSESS_RISK':
      return [['customs', 'Accept', ['']]];
    case 'MARK_RELEASE_ELIGIBLE':
    case 'ORDER_INSPECTION':
      return toRisk;
    case 'RECORD_INSPECTION':
      return [...toRisk, ['customs', 'OrderInspection', ['']]];
    case 'RELEASE':
      return [...toRisk, ['customs', 'MarkReleaseEligible', ['']]];
    case 'CLOSE':
      return [...toRisk, ['customs', 'MarkReleaseEligible', ['']], ...releases];
  }
}

const TRANSACTION: Record<Exclude<Action, 'FILE' | 'AMEND'>, [string, string[]]> = {
  ACCEPT: ['Accept', ['ok']],
  REJECT: ['Reject', ['incomplete']],
  ASSESS_RISK: ['AssessRisk', ['LOW', '5', 'ok']],
  MARK_RELEASE_ELIGIBLE: ['MarkReleaseEligible', ['ok']],
  ORDER_INSPECTION: ['OrderInspection', ['ok']],
  RECORD_INSPECTION: ['RecordInspection', ['COMPLIANT', 'ok']],
  RELEASE: ['Release', ['ok']],
  CLOSE: ['Close', ['ok']],
  HOLD: ['Hold', ['alarm']],
  UNHOLD: ['Unhold', ['cleared']],
};

const allowedByTable = (
  action: Action,
  jurisdiction: Jurisdiction,
  mspId: string,
  role?: string,
): boolean =>
  (policy.actions[action][jurisdiction] as string[][]).some(([m, r]) => m === mspId && r === role);

describe.each(JURISDICTIONS)('allow table, %s declarations', (jurisdiction) => {
  let ledger: MemoryLedger;
  let n = 0;
  beforeAll(async () => {
    ledger = new MemoryLedger([new DeclarationContract(), new TrustListContract()]);
    await listAuthority(
      ledger.invokerFor(OFFICERS.gdTrustAdmin),
      ledger.invokerFor(OFFICERS.hkTrustAdmin),
      pki.gd,
    );
  });

  const officer = (who: Step[0]): TestIdentity => {
    if (who === 'customs') return jurisdiction === 'GD' ? OFFICERS.gdCustoms : OFFICERS.hkCustoms;
    if (who === 'agent') return jurisdiction === 'GD' ? OFFICERS.gdAgent : OFFICERS.hkAgent;
    return OFFICERS[who];
  };

  async function prepared(action: Action): Promise<string> {
    const id = `${jurisdiction}-ACL-${++n}`;
    if (action === 'FILE') return id;
    const signed = await signFiling(sampleFiling(id, jurisdiction), pki.signers.gdTrader);
    await ledger
      .invokerFor(officer('agent'))
      .submit('Declaration:File', signed.args, signed.transient);
    for (const [who, tx, args] of preparation(action, jurisdiction)) {
      await ledger.invokerFor(officer(who)).submit(`Declaration:${tx}`, [id, ...args]);
    }
    return id;
  }

  async function attempt(action: Action, id: string, identity: TestIdentity): Promise<unknown> {
    const invoker = ledger.invokerFor(identity);
    if (action === 'FILE' || action === 'AMEND') {
      const filing = sampleFiling(id, jurisdiction);
      if (action === 'AMEND') filing.declaration.packages.count += 1;
      const signed = await signFiling(filing, pki.signers.gdTrader);
      return invoker.submit(
        `Declaration:${action === 'FILE' ? 'File' : 'Amend'}`,
        signed.args,
        signed.transient,
      );
    }
    const [tx, args] = TRANSACTION[action];
    return invoker.submit(`Declaration:${tx}`, [id, ...args]);
  }

  const cells = ACTIONS.flatMap((action) =>
    MSPS.flatMap((mspId) =>
      [...ROLES, undefined].map((role) => [action, mspId, role ?? '(no role)', role] as const),
    ),
  );

  it.each(cells)('%s by %s as %s', async (action, mspId, _label, role) => {
    const id = await prepared(action);
    const identity: TestIdentity = {
      mspId,
      id: `x509::CN=someone::CN=ca`,
      ...(role ? { attributes: { role } } : {}),
    };
    const before = ledger.snapshot();
    const outcome = await attempt(action, id, identity).then(
      () => 'done',
      (error: { code?: string }) => error.code,
    );
    if (allowedByTable(action, jurisdiction, mspId, role)) {
      expect(outcome).toBe('done');
    } else {
      expect(outcome).toBe('FORBIDDEN');
      expect(ledger.snapshot()).toEqual(before);
    }
  });

  it('spot checks that do not read the table', () => {
    expect(allowedByTable('RELEASE', 'GD', 'GDCIQMSP', 'ciq-officer')).toBe(true);
    expect(allowedByTable('ACCEPT', 'GD', 'GDCIQMSP', 'ciq-officer')).toBe(false);
    expect(allowedByTable('ACCEPT', 'HK', 'GDCustomsMSP', 'customs-officer')).toBe(false);
    expect(
      MSPS.some((m) =>
        ROLES.some((r) => allowedByTable('RELEASE', jurisdiction, m, r) && m === 'LogisticsMSP'),
      ),
    ).toBe(false);
  });
});
