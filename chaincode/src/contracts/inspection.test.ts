/**
 * The joint inspection's outcome after an INSPECT (domain/crossing.ts, "Inspection
 * outcomes"): CLEARED settles the alarms the decision saw and lifts the holds they alone
 * caused, where the recording officer may unhold; HOLD keeps everything as it is and holds
 * more. Every case on the contracts, with the memory twin of the ledger.
 */
import {
  type CrossingRecord,
  type CrossingReason,
  type DeclarationRecord,
  EVENTS,
} from '@clearance/domain';
import {
  createBorder,
  createTestPki,
  type Border,
  type TestPki,
} from '@clearance/testkit/chaincode';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

const TAG_1 = '04aa0000000001';
const TAG_2 = '04aa0000000002';

/** The reasons the ledger's state gave (the random selection aside). */
const stateReasons = (r: CrossingRecord): CrossingReason[] =>
  r.reasons.filter((x) => x !== 'RANDOM_SELECTION');
/** GO unless the recorded draw selected it. */
const goUnlessDrawn = (r: CrossingRecord) => (r.draw.selected ? 'INSPECT' : 'GO');

/**
 * One truck, Kwai Chung to Futian, sealed with device EL-1 over `declarations` (GD-I: a
 * release-eligible GD import; HK-E: a released HK export), readings 1..100 anchored.
 */
async function truck(declarations: ('GD-I' | 'HK-E')[] = ['GD-I']): Promise<Border> {
  const border = await createBorder(pki);
  if (declarations.includes('HK-E')) await border.declaration('HK-E', 'HK', { release: true });
  if (declarations.includes('GD-I')) await border.declaration('GD-I', 'GD');
  await border.device('EL-1', TAG_1);
  await border.seal('SEAL-1', 'EL-1', declarations);
  await border.anchor('SEAL-1', 1, 100);
  return border;
}

/** An INSPECT at Lok Ma Chau on the seal's next tap. */
async function inspectAt(border: Border, counter: number, sealId = 'SEAL-1', tag = TAG_1) {
  await border.tap(sealId, tag, counter);
  const record = await border.decide(sealId);
  expect(record.decision).toBe('INSPECT');
  return record;
}

const held = (d: DeclarationRecord) => d.hold !== null;

describe('CLEARED after an alarm', () => {
  it('settles the alarm, lifts its hold, and the next taps (LMC, then Huanggang) give GO, noting the clearing', async () => {
    const border = await truck();
    const alarm = await border.alarm('SEAL-1', 'TAMPER');
    const inspect = await inspectAt(border, 1);
    expect(stateReasons(inspect)).toEqual(['ALARM_TAMPER', 'DECLARATION_HELD']);

    const cleared = await border.outcome(inspect.crossingId, 'CLEARED', 'seal intact', 'gdCustoms');
    expect(cleared.event?.name).toBe(EVENTS.CrossingInspectionRecorded);
    expect(JSON.parse(cleared.event?.payload as string)).toMatchObject({
      outcome: 'CLEARED',
      heldDeclarations: [],
      unheldDeclarations: ['GD-I'],
      clearedAlarms: [{ kind: 'TAMPER', txId: alarm.txId }],
    });
    const declaration = await border.get('GD-I');
    expect(declaration.hold).toBeNull();
    expect(declaration.lastAct).toMatchObject({
      action: 'UNHOLD',
      actor: { mspId: 'GDCustomsMSP' },
      txId: cleared.txId,
    });
    expect((await border.getSeal('SEAL-1')).alarms[0]?.clearedBy).toMatchObject({
      crossingId: inspect.crossingId,
      txId: cleared.txId,
      actor: { mspId: 'GDCustomsMSP' },
      throughCounter: 100,
    });

    await border.tap('SEAL-1', TAG_1, 2);
    const atLmc = await border.decide('SEAL-1');
    expect(stateReasons(atLmc)).toEqual(['ALARM_CLEARED_BY_INSPECTION']);
    expect(atLmc.decision).toBe(goUnlessDrawn(atLmc));
    // The next control point: a Guangdong officer taps at Huanggang.
    await border.tap('SEAL-1', TAG_1, 3, 'HGG', 'gdCustoms');
    const atHgg = await border.decide('SEAL-1', 'HGG', 'gdCustoms');
    expect(stateReasons(atHgg)).toEqual(['ALARM_CLEARED_BY_INSPECTION']);
    expect(atHgg.decision).toBe(goUnlessDrawn(atHgg));
  });

  it('HOLD keeps the alarm and the hold: the next tap is INSPECT again', async () => {
    const border = await truck();
    await border.alarm('SEAL-1', 'TAMPER');
    const inspect = await inspectAt(border, 1);
    await border.outcome(inspect.crossingId, 'HOLD', 'goods short', 'gdCustoms');
    expect((await border.getSeal('SEAL-1')).alarms[0]?.clearedBy).toBeUndefined();
    const again = await inspectAt(border, 2);
    expect(stateReasons(again)).toEqual(['ALARM_TAMPER', 'DECLARATION_HELD']);
  });

  it('settles every alarm the decision saw, several kinds on one seal', async () => {
    const border = await truck();
    await border.alarm('SEAL-1', 'TAMPER');
    await border.alarm('SEAL-1', 'ROUTE_DEVIATION');
    const inspect = await inspectAt(border, 1);
    expect(stateReasons(inspect)).toEqual([
      'ALARM_TAMPER',
      'ALARM_ROUTE_DEVIATION',
      'DECLARATION_HELD',
    ]);
    await border.outcome(inspect.crossingId, 'CLEARED', '', 'gdCustoms');
    expect(held(await border.get('GD-I'))).toBe(false);
    await border.tap('SEAL-1', TAG_1, 2);
    expect(stateReasons(await border.decide('SEAL-1'))).toEqual(['ALARM_CLEARED_BY_INSPECTION']);
  });

  it('leaves an alarm raised after the decision unsettled, and the hold it caused', async () => {
    const border = await truck();
    await border.alarm('SEAL-1', 'TAMPER');
    const inspect = await inspectAt(border, 1);
    await border.alarm('SEAL-1', 'OPENED'); // while the inspection was open
    await border.outcome(inspect.crossingId, 'CLEARED', '', 'gdCustoms');
    const seal = await border.getSeal('SEAL-1');
    expect(seal.alarms.map((a) => [a.kind, a.clearedBy !== undefined])).toEqual([
      ['TAMPER', true],
      ['OPENED', false],
    ]);
    expect(held(await border.get('GD-I'))).toBe(true);
    const next = await inspectAt(border, 2);
    expect(stateReasons(next)).toEqual([
      'ALARM_OPENED',
      'ALARM_CLEARED_BY_INSPECTION',
      'DECLARATION_HELD',
    ]);
  });

  it('does not settle an alarm raised after the clearing, which holds the declaration again', async () => {
    const border = await truck();
    await border.alarm('SEAL-1', 'TAMPER');
    const inspect = await inspectAt(border, 1);
    await border.outcome(inspect.crossingId, 'CLEARED', '', 'gdCustoms');
    const later = await border.alarm('SEAL-1', 'TAMPER');
    expect(JSON.parse(later.event?.payload as string)).toMatchObject({
      heldDeclarations: ['GD-I'],
    });
    const next = await inspectAt(border, 2);
    expect(stateReasons(next)).toEqual([
      'ALARM_TAMPER',
      'ALARM_CLEARED_BY_INSPECTION',
      'DECLARATION_HELD',
    ]);
    // Cleared in turn by the inspection this decision opened.
    await border.outcome(next.crossingId, 'CLEARED', '', 'gdCustoms');
    expect(held(await border.get('GD-I'))).toBe(false);
  });

  it("does not lift an officer's HOLD made before the alarm", async () => {
    const border = await truck();
    await border.as('gdCustoms').submit('Declaration:Hold', ['GD-I', 'permit missing']);
    await border.alarm('SEAL-1', 'TAMPER');
    const inspect = await inspectAt(border, 1);
    const cleared = await border.outcome(inspect.crossingId, 'CLEARED', '', 'gdCustoms');
    expect(JSON.parse(cleared.event?.payload as string)).toMatchObject({ unheldDeclarations: [] });
    const declaration = await border.get('GD-I');
    expect(declaration.hold?.reason).toBe('permit missing');
    await border.tap('SEAL-1', TAG_1, 2);
    expect(stateReasons(await border.decide('SEAL-1'))).toEqual([
      'ALARM_CLEARED_BY_INSPECTION',
      'DECLARATION_HELD',
    ]);
  });

  it("does not lift a hold another seal's alarm also made, until that one is cleared too", async () => {
    const border = await truck();
    await border.device('EL-2', TAG_2);
    await border.seal('SEAL-2', 'EL-2', ['GD-I']);
    await border.anchor('SEAL-2', 1, 50);
    await border.alarm('SEAL-1', 'TAMPER');
    const second = await border.alarm('SEAL-2', 'OPENED');
    // Already held by the first: the second alarm holds it too, as a cause of its own.
    expect(JSON.parse(second.event?.payload as string)).toMatchObject({
      heldDeclarations: ['GD-I'],
    });
    const first = await inspectAt(border, 1);
    await border.outcome(first.crossingId, 'CLEARED', '', 'gdCustoms');
    expect(held(await border.get('GD-I'))).toBe(true);
    const other = await inspectAt(border, 1, 'SEAL-2', TAG_2);
    const cleared = await border.outcome(other.crossingId, 'CLEARED', '', 'gdCustoms');
    expect(JSON.parse(cleared.event?.payload as string)).toMatchObject({
      unheldDeclarations: ['GD-I'],
    });
    expect(held(await border.get('GD-I'))).toBe(false);
  });

  it("does not lift an earlier inspection's HOLD", async () => {
    const border = await truck();
    await border.alarm('SEAL-1', 'TAMPER');
    const first = await inspectAt(border, 1);
    await border.outcome(first.crossingId, 'HOLD', 'goods do not match', 'gdCustoms');
    const second = await inspectAt(border, 2);
    await border.outcome(second.crossingId, 'CLEARED', 'seal checked', 'gdCustoms');
    expect((await border.getSeal('SEAL-1')).alarms[0]?.clearedBy).toMatchObject({
      crossingId: second.crossingId,
    });
    const declaration = await border.get('GD-I');
    expect(held(declaration)).toBe(true);
    expect(declaration.holdCauses?.map((c) => c.reason)).toEqual([
      'seal SEAL-1 alarm TAMPER: TAMPER reported',
      `crossing ${first.crossingId} inspection: goods do not match`,
    ]);
  });
});

describe('the allow table on the holds and unholds other acts make', () => {
  it("an inspection's HOLD by GD inspection holds the GD import, not the HK export", async () => {
    const border = await truck(['HK-E', 'GD-I']);
    // Tapped at Huanggang, decided at Lok Ma Chau: TAP_MISSING.
    await border.tap('SEAL-1', TAG_1, 1, 'HGG', 'gdCustoms');
    const inspect = await border.decide('SEAL-1');
    expect(stateReasons(inspect)).toEqual(['TAP_MISSING']);
    const before = await border.get('HK-E');
    const result = await border.outcome(inspect.crossingId, 'HOLD', 'pests found', 'gdCiq');
    expect(JSON.parse(result.event?.payload as string)).toMatchObject({
      heldDeclarations: ['GD-I'],
    });
    expect(held(await border.get('GD-I'))).toBe(true);
    expect(await border.get('HK-E')).toEqual(before);
    expect((JSON.parse(result.result) as CrossingRecord).inspection?.outcome).toMatchObject({
      heldDeclarations: ['GD-I'],
    });
  });

  it("CLEARED by either side lifts both sides' alarm-only holds; an officer's HOLD stays", async () => {
    const border = await truck(['HK-E', 'GD-I']);
    await border.alarm('SEAL-1', 'TAMPER');
    const inspect = await inspectAt(border, 1);
    const cleared = await border.outcome(inspect.crossingId, 'CLEARED', '', 'hkCustoms');
    expect(JSON.parse(cleared.event?.payload as string)).toMatchObject({
      unheldDeclarations: ['HK-E', 'GD-I'],
    });
    expect(held(await border.get('HK-E'))).toBe(false);
    expect(held(await border.get('GD-I'))).toBe(false);
    await border.tap('SEAL-1', TAG_1, 2);
    expect(stateReasons(await border.decide('SEAL-1'))).toEqual(['ALARM_CLEARED_BY_INSPECTION']);

    // A GD officer's own HOLD is a cause no clearing lifts, whoever records it.
    const officerHeld = await truck(['HK-E', 'GD-I']);
    await officerHeld.as('gdCustoms').submit('Declaration:Hold', ['GD-I', 'documents missing']);
    await officerHeld.alarm('SEAL-1', 'TAMPER');
    const again = await inspectAt(officerHeld, 1);
    const clearing = await officerHeld.outcome(again.crossingId, 'CLEARED', '', 'hkCustoms');
    expect(JSON.parse(clearing.event?.payload as string)).toMatchObject({
      unheldDeclarations: ['HK-E'],
    });
    expect(held(await officerHeld.get('GD-I'))).toBe(true);
    await officerHeld.tap('SEAL-1', TAG_1, 2);
    expect(stateReasons(await officerHeld.decide('SEAL-1'))).toEqual([
      'ALARM_CLEARED_BY_INSPECTION',
      'DECLARATION_HELD',
    ]);
  });

  it.each([
    ['gdCustoms', ['HK-E', 'GD-I'], ['HK-E', 'GD-I']],
    ['hkCustoms', ['HK-E', 'GD-I'], ['HK-E', 'GD-I']],
    ['gdCiq', ['GD-I'], ['HK-E', 'GD-I']],
  ] as const)(
    'by %s: HOLD holds %j, CLEARED after an alarm unholds %j',
    async (who, holds, unholds) => {
      const holding = await truck(['HK-E', 'GD-I']);
      await holding.tap('SEAL-1', TAG_1, 1, 'HGG', 'gdCustoms');
      const inspect = await holding.decide('SEAL-1'); // TAP_MISSING at LMC
      const held = await holding.outcome(inspect.crossingId, 'HOLD', 'checked', who);
      expect(JSON.parse(held.event?.payload as string)).toMatchObject({ heldDeclarations: holds });

      const clearing = await truck(['HK-E', 'GD-I']);
      await clearing.alarm('SEAL-1', 'TAMPER');
      const alarmed = await inspectAt(clearing, 1);
      const cleared = await clearing.outcome(alarmed.crossingId, 'CLEARED', '', who);
      expect(JSON.parse(cleared.event?.payload as string)).toMatchObject({
        unheldDeclarations: unholds,
      });
    },
  );
});
