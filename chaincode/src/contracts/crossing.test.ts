import { generateKeyPairSync } from 'node:crypto';
import { KeyEndorsementPolicy } from 'fabric-shim';
import {
  CROSSING_LIMITS,
  decideCrossing,
  type CrossingRecord,
  type AnchorRow,
  type CrossingReason,
} from '../domain/crossing';
import { drawOf } from '../domain/crossing-draw';
import { endorsementPlan } from '../domain/endorsement-plan';
import type { DeclarationRecord, Jurisdiction } from '../domain/lifecycle';
import type { DeviceRecord, SealRecord } from '../domain/seal';
import {
  OFFICERS,
  listAuthority,
  sampleFiling,
  signFiling,
  MemoryLedger,
  createTestPki,
  type TestIdentity,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { CrossingContract } from './crossing';
import { DeclarationContract } from './declaration';
import { EVENTS } from '../domain/events';
import { SealContract } from './seal';
import { TrustListContract } from './trust-list';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

const devicePem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();
const TAG = '04c0ffee000001';
const MINUTE = 60_000;

type Ledger = MemoryLedger;
const as = (l: Ledger, who: keyof typeof OFFICERS) => l.invokerFor(OFFICERS[who]);

async function file(ledger: Ledger, id: string, jurisdiction: Jurisdiction): Promise<void> {
  const signer = jurisdiction === 'GD' ? pki.signers.gdTrader : pki.signers.hkTrader;
  const signed = await signFiling(sampleFiling(id, jurisdiction), signer);
  await as(ledger, jurisdiction === 'GD' ? 'gdAgent' : 'hkAgent').submit(
    'Declaration:File',
    signed.args,
    signed.transient,
  );
}

/** Takes a declaration to RELEASE_ELIGIBLE, and to RELEASED by every joint agency if asked. */
async function advance(ledger: Ledger, id: string, j: Jurisdiction, release: boolean) {
  const officer = as(ledger, j === 'GD' ? 'gdCustoms' : 'hkCustoms');
  await officer.submit('Declaration:Accept', [id, '']);
  await officer.submit('Declaration:AssessRisk', [id, 'LOW', '5', '']);
  await officer.submit('Declaration:MarkReleaseEligible', [id, '']);
  if (!release) return;
  await officer.submit('Declaration:Release', [id, '']);
  if (j === 'GD') await as(ledger, 'gdCiq').submit('Declaration:Release', [id, '']);
}

interface Options {
  /** Leave the HK export unreleased. */
  unreleasedExport?: boolean;
}

/**
 * A truck from Kwai Chung to Futian (route KWC-FUTIAN: LMC, HGG): the HK export released,
 * the GD import release-eligible, a sealed device accredited by both services, readings
 * 1..100 anchored just now. No tap yet.
 */
async function sealedTruck(options: Options = {}): Promise<{ ledger: Ledger; now: number }> {
  const ledger = new MemoryLedger([
    new DeclarationContract(),
    new TrustListContract(),
    new SealContract(),
    new CrossingContract(),
  ]);
  await listAuthority(as(ledger, 'gdTrustAdmin'), as(ledger, 'hkTrustAdmin'), pki.gd);
  await listAuthority(as(ledger, 'hkTrustAdmin'), as(ledger, 'gdTrustAdmin'), pki.hk);
  await file(ledger, 'HK-E1', 'HK');
  await file(ledger, 'GD-I1', 'GD');
  await advance(ledger, 'HK-E1', 'HK', !options.unreleasedExport);
  await advance(ledger, 'GD-I1', 'GD', false);
  const operator = as(ledger, 'sealOperator');
  await operator.submit('Seal:RegisterDevice', [
    JSON.stringify({
      deviceId: 'EL-0001',
      model: 'GPS-ELOCK-7',
      publicKeyPem: devicePem,
      tagUid: TAG,
    }),
  ]);
  await as(ledger, 'gdCustoms').submit('Seal:AccreditDevice', ['EL-0001']);
  await as(ledger, 'hkCustoms').submit('Seal:AccreditDevice', ['EL-0001']);
  const applied = await operator.submit('Seal:ApplySeal', [
    JSON.stringify({
      sealId: 'SEAL-1',
      deviceId: 'EL-0001',
      conveyance: 'ZM1234',
      routeId: 'KWC-FUTIAN',
      declarationIds: ['HK-E1', 'GD-I1'],
    }),
  ]);
  const now = Date.parse((JSON.parse(applied.result) as SealRecord).applied.at);
  await anchorBatch(ledger, 1, 100, now);
  return { ledger, now };
}

function anchorBatch(ledger: Ledger, from: number, to: number, lastMillis: number, count?: number) {
  return as(ledger, 'sealOperator').submit('Seal:AnchorReadings', [
    'SEAL-1',
    JSON.stringify({
      batchId: `b-${from}`,
      fromCounter: from,
      toCounter: to,
      count: count ?? to - from + 1,
      merkleRoot: 'cd'.repeat(32),
      firstTime: new Date(lastMillis - MINUTE).toISOString(),
      lastTime: new Date(lastMillis).toISOString(),
    }),
  ]);
}

/** A tap by an officer of the control point's side (HK at Lok Ma Chau, GD at Huanggang). */
const tap = (ledger: Ledger, counter: number, controlPoint = 'LMC') =>
  as(ledger, controlPoint === 'LMC' ? 'hkCustoms' : 'gdCustoms').submit('Seal:RecordCheckpoint', [
    'SEAL-1',
    JSON.stringify({ controlPoint, tagUid: TAG, counter }),
  ]);

let crossings = 0;
async function decide(
  ledger: Ledger,
  controlPoint = 'LMC',
  who: keyof typeof OFFICERS = 'gdCustoms',
  crossingId = `X-${++crossings}`,
): Promise<CrossingRecord> {
  const result = await as(ledger, who).submit('Crossing:Decide', [
    JSON.stringify({ crossingId, sealId: 'SEAL-1', controlPoint, direction: 'NORTHBOUND' }),
  ]);
  expect(result.event?.name).toBe(EVENTS.CrossingDecided);
  const record = JSON.parse(result.result) as CrossingRecord;
  // The random selection is part of every decision: consistent with its recorded draw.
  expect(record.draw.selected).toBe(record.draw.value < record.draw.rate);
  expect(record.draw.value).toBe(drawOf(record.draw.inputs));
  expect(record.reasons.includes('RANDOM_SELECTION')).toBe(record.draw.selected);
  return record;
}

/** The reasons the ledger's state gave (the random selection aside: see its own test). */
const stateReasons = (r: CrossingRecord): CrossingReason[] =>
  r.reasons.filter((x) => x !== 'RANDOM_SELECTION');

describe('Crossing contract: GO or INSPECT at the boundary', () => {
  it('gives GO to an intact, freshly tapped seal whose declarations are released, under both customs', async () => {
    const { ledger } = await sealedTruck();
    await tap(ledger, 7);
    const record = await decide(ledger, 'LMC', 'gdCustoms', 'X-GO');
    expect(stateReasons(record)).toEqual([]);
    expect(record.decision).toBe(record.draw.selected ? 'INSPECT' : 'GO');
    expect(record).toMatchObject({
      crossingId: 'X-GO',
      controlPoint: 'LMC',
      tap: { counter: 7 },
      anchoredToCounter: 100,
    });
    expect(record.declarations.map((d) => [d.declarationId, d.state, d.reasons])).toEqual([
      ['HK-E1', 'RELEASED', []],
      ['GD-I1', 'RELEASE_ELIGIBLE', []],
    ]);
    const key = [...ledger.validationParameters.keys()].find((k) => k.includes('X-GO'));
    const orgs = new KeyEndorsementPolicy(ledger.validationParameters.get(key as string))
      .listOrgs()
      .sort();
    expect(orgs).toEqual(['GDCustomsMSP', 'HKCustomsMSP']);
    expect(endorsementPlan('Crossing:Decide', 'clearance').required).toEqual(orgs);
    expect(endorsementPlan('Crossing:RecordOutcome', 'clearance').required).toEqual(orgs);
    const stored = JSON.parse(
      await as(ledger, 'hkCustoms').evaluate('Crossing:GetCrossing', ['X-GO']),
    ) as CrossingRecord;
    expect(stored).toEqual(record);
  });

  it.each([
    ['TAMPER', 'ALARM_TAMPER'],
    ['OPENED', 'ALARM_OPENED'],
    ['ROUTE_DEVIATION', 'ALARM_ROUTE_DEVIATION'],
    ['OVERDUE', 'ALARM_OVERDUE'],
  ])('an alarm %s gives INSPECT with %s (and the holds it made)', async (kind, reason) => {
    const { ledger } = await sealedTruck();
    await as(ledger, 'sealOperator').submit('Seal:RecordAlarm', ['SEAL-1', kind, 'lock event']);
    await tap(ledger, 3);
    const record = await decide(ledger);
    expect(record.decision).toBe('INSPECT');
    // The alarm held both declarations, so they block as well.
    expect(stateReasons(record)).toEqual([reason, 'DECLARATION_HELD']);
  });

  it('no tap at this control point, or a stale one, gives INSPECT with TAP_MISSING / TAP_STALE', async () => {
    const { ledger } = await sealedTruck();
    expect(stateReasons(await decide(ledger))).toEqual(['TAP_MISSING']);
    await tap(ledger, 4, 'HGG');
    expect(stateReasons(await decide(ledger, 'LMC'))).toEqual(['TAP_MISSING']);
    await tap(ledger, 5);
    ledger.advanceClock((CROSSING_LIMITS.tapFreshMinutes + 1) * MINUTE);
    expect(stateReasons(await decide(ledger))).toEqual(['TAP_STALE']);
  });

  it('a silent lock and a gap in the counters give READINGS_SILENT and READINGS_GAP', async () => {
    const silent = await sealedTruck();
    silent.ledger.advanceClock((CROSSING_LIMITS.readingSilenceMinutes + 1) * MINUTE);
    await tap(silent.ledger, 2);
    expect(stateReasons(await decide(silent.ledger))).toEqual(['READINGS_SILENT']);

    const gap = await sealedTruck();
    await anchorBatch(gap.ledger, 120, 150, gap.now); // 101..119 never anchored
    await tap(gap.ledger, 2);
    expect(stateReasons(await decide(gap.ledger))).toEqual(['READINGS_GAP']);

    const sparse = await sealedTruck();
    await anchorBatch(sparse.ledger, 101, 150, sparse.now, 40); // 10 readings missing inside
    await tap(sparse.ledger, 2);
    expect(stateReasons(await decide(sparse.ledger))).toEqual(['READINGS_GAP']);
  });

  it('an unreleased export gives DECLARATION_NOT_RELEASED; a removed seal SEAL_REMOVED', async () => {
    const { ledger } = await sealedTruck({ unreleasedExport: true });
    await tap(ledger, 2);
    const record = await decide(ledger);
    expect(stateReasons(record)).toEqual(['DECLARATION_NOT_RELEASED']);
    expect(record.declarations[0]).toMatchObject({
      declarationId: 'HK-E1',
      state: 'RELEASE_ELIGIBLE',
      reasons: ['DECLARATION_NOT_RELEASED'],
    });
    await tap(ledger, 3);
    await as(ledger, 'gdCustoms').submit('Seal:RemoveSeal', ['SEAL-1', 'opened at the lane']);
    expect(stateReasons(await decide(ledger))).toEqual([
      'SEAL_REMOVED',
      'DECLARATION_NOT_RELEASED',
    ]);
  });

  it('the wrong direction gives DECLARATION_WRONG_DIRECTION on both declarations', async () => {
    const { ledger } = await sealedTruck();
    await tap(ledger, 2);
    const result = await as(ledger, 'hkCustoms').submit('Crossing:Decide', [
      JSON.stringify({
        crossingId: 'X-S',
        sealId: 'SEAL-1',
        controlPoint: 'LMC',
        direction: 'SOUTHBOUND',
      }),
    ]);
    const record = JSON.parse(result.result) as CrossingRecord;
    // The GD import is not an export released by both GD agencies either.
    expect(stateReasons(record)).toEqual([
      'DECLARATION_NOT_RELEASED',
      'DECLARATION_WRONG_DIRECTION',
    ]);
  });

  it('refuses a replayed tap, the same crossing twice, an unknown seal, a point off the route and a caller without the role; nothing recorded', async () => {
    const { ledger } = await sealedTruck();
    await tap(ledger, 9);
    await expect(tap(ledger, 9)).rejects.toMatchObject({ code: 'REPLAYED' });
    await decide(ledger, 'LMC', 'gdCustoms', 'X-ONCE');
    const before = ledger.snapshot();
    const events = ledger.events.length;
    const again = (body: object, who: keyof typeof OFFICERS = 'gdCustoms') =>
      as(ledger, who).submit('Crossing:Decide', [
        JSON.stringify({ sealId: 'SEAL-1', controlPoint: 'LMC', direction: 'NORTHBOUND', ...body }),
      ]);
    await expect(again({ crossingId: 'X-ONCE' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(again({ crossingId: 'X-REUSE' })).rejects.toMatchObject({ code: 'REPLAYED' });
    await expect(again({ crossingId: 'X-U', sealId: 'SEAL-NONE' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(again({ crossingId: 'X-R', controlPoint: 'SZBHK' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      reason: 'NOT_ON_ROUTE',
    });
    await expect(again({ crossingId: 'X-Q', controlPoint: 'QQQ' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      reason: 'UNKNOWN_CONTROL_POINT',
    });
    await expect(again({ crossingId: 'X-F' }, 'sealOperator')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(again({ crossingId: 'X-F' }, 'gdCiq')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(again({ crossingId: 'bad id!' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(again({ crossingId: 'X-E', extra: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(again({ crossingId: 'X-T', direction: 'UP\u0000' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(ledger.snapshot()).toEqual(before);
    expect(ledger.events.length).toBe(events);
    // A new tap makes a new crossing possible.
    await tap(ledger, 10);
    expect((await decide(ledger, 'LMC', 'hkCustoms', 'X-NEXT')).tap?.counter).toBe(10);
  });

  it('a lane device decides at its own control point only, and records no outcome', async () => {
    const { ledger } = await sealedTruck();
    await tap(ledger, 3);
    const before = ledger.snapshot();
    const at = (controlPoint: string) =>
      as(ledger, 'hkLaneLmc').submit('Crossing:Decide', [
        JSON.stringify({
          crossingId: 'X-L',
          sealId: 'SEAL-1',
          controlPoint,
          direction: 'NORTHBOUND',
        }),
      ]);
    await expect(at('HGG')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(ledger.snapshot()).toEqual(before);
    const record = JSON.parse((await at('LMC')).result) as CrossingRecord;
    expect(record.decided.actor).toMatchObject({ mspId: 'HKCustomsMSP', role: 'lane-device' });
    await expect(
      as(ledger, 'hkLaneLmc').submit('Crossing:RecordOutcome', [
        'X-L',
        JSON.stringify({ outcome: 'CLEARED', reason: '' }),
      ]),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a lane device records taps at its own control point only; one naming none is refused', async () => {
    const { ledger } = await sealedTruck();
    const laneTap = (who: TestIdentity, controlPoint: string, counter: number) =>
      ledger
        .invokerFor(who)
        .submit('Seal:RecordCheckpoint', [
          'SEAL-1',
          JSON.stringify({ controlPoint, tagUid: TAG, counter }),
        ]);
    const before = ledger.snapshot();
    await expect(laneTap(OFFICERS.hkLaneLmc, 'HGG', 4)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      detail: 'the lane device of LMC may not act at HGG',
    });
    // A lane certificate without its controlPoint attribute speaks for no lane at all.
    const nowhere: TestIdentity = { ...OFFICERS.hkLaneLmc, attributes: { role: 'lane-device' } };
    await expect(laneTap(nowhere, 'LMC', 4)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      detail: 'the lane device of (no control point) may not act at LMC',
    });
    await expect(
      ledger.invokerFor(nowhere).submit('Crossing:Decide', [
        JSON.stringify({
          crossingId: 'X-N',
          sealId: 'SEAL-1',
          controlPoint: 'LMC',
          direction: 'NORTHBOUND',
        }),
      ]),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(ledger.snapshot()).toEqual(before);
    const seal = JSON.parse((await laneTap(OFFICERS.hkLaneLmc, 'LMC', 4)).result) as SealRecord;
    expect(seal.checkpoints.at(-1)).toMatchObject({
      controlPoint: 'LMC',
      counter: 4,
      actor: { mspId: 'HKCustomsMSP', role: 'lane-device' },
    });
    // The lane's own tap is one a crossing there can use.
    expect((await decide(ledger, 'LMC', 'hkLaneLmc', 'X-OWN')).tap?.counter).toBe(4);
  });

  it('records the joint inspection: HOLD puts the declarations on hold, once; GO has none', async () => {
    const { ledger } = await sealedTruck();
    await as(ledger, 'sealOperator').submit('Seal:RecordAlarm', ['SEAL-1', 'TAMPER', 'cut']);
    await as(ledger, 'hkCustoms').submit('Declaration:Unhold', ['HK-E1', 'checked']);
    await as(ledger, 'gdCustoms').submit('Declaration:Unhold', ['GD-I1', 'checked']);
    await tap(ledger, 2);
    const inspect = await decide(ledger, 'LMC', 'hkCustoms', 'X-I');
    expect(stateReasons(inspect)).toEqual(['ALARM_TAMPER']);
    expect(inspect.inspection).toEqual({ status: 'OPEN', outcome: null });
    const outcome = (json: object, who: keyof typeof OFFICERS = 'gdCustoms') =>
      as(ledger, who).submit('Crossing:RecordOutcome', ['X-I', JSON.stringify(json)]);
    await expect(outcome({ outcome: 'HOLD', reason: '' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(outcome({ outcome: 'HOLD', reason: 'x' }, 'gdAgent')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const held = await outcome({ outcome: 'HOLD', reason: 'seal cut, goods short' });
    expect(held.event?.name).toBe(EVENTS.CrossingInspectionRecorded);
    expect(JSON.parse(held.event?.payload ?? '{}')).toMatchObject({
      outcome: 'HOLD',
      declarationIds: ['HK-E1', 'GD-I1'],
      heldDeclarations: ['HK-E1', 'GD-I1'],
    });
    const record = JSON.parse(held.result) as CrossingRecord;
    expect(record.inspection).toMatchObject({
      status: 'HOLD',
      outcome: { reason: 'seal cut, goods short', heldDeclarations: ['HK-E1', 'GD-I1'] },
    });
    for (const id of ['HK-E1', 'GD-I1']) {
      const d = JSON.parse(
        await as(ledger, 'gdCustoms').evaluate('Declaration:Get', [id]),
      ) as DeclarationRecord;
      expect(d.hold?.reason).toBe('crossing X-I inspection: seal cut, goods short');
    }
    await expect(outcome({ outcome: 'CLEARED', reason: '' }, 'hkCustoms')).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
  });
});

describe('the random selection', () => {
  it('is a deterministic draw from the transaction and the tap; about the configured rate of txs select', async () => {
    const { ledger } = await sealedTruck();
    await tap(ledger, 2);
    const seal = JSON.parse(
      await as(ledger, 'gdCustoms').evaluate('Seal:GetSeal', ['SEAL-1']),
    ) as SealRecord;
    const device = JSON.parse(
      await as(ledger, 'gdCustoms').evaluate('Seal:GetDevice', ['EL-0001']),
    ) as DeviceRecord;
    const anchors = JSON.parse(
      await as(ledger, 'gdCustoms').evaluate('Seal:GetAnchors', ['SEAL-1']),
    ) as AnchorRow[];
    const declarations = await Promise.all(
      seal.declarationIds.map(
        async (id) =>
          JSON.parse(
            await as(ledger, 'gdCustoms').evaluate('Declaration:Get', [id]),
          ) as DeclarationRecord,
      ),
    );
    const at = seal.checkpoints[0]?.at as string;
    const facts = (txId: string) => ({
      input: {
        crossingId: 'X',
        sealId: 'SEAL-1',
        controlPoint: 'LMC',
        direction: 'NORTHBOUND' as const,
      },
      seal,
      device,
      anchors,
      declarations,
      state: { sealId: 'SEAL-1', lastUsedTapCounter: 0, crossings: [] },
      draw: drawOf,
      act: {
        action: 'DECIDE' as const,
        actor: { mspId: 'GDCustomsMSP', id: 'gd-officer', role: 'customs-officer' },
        at,
        txId,
      },
    });
    const runs = Array.from({ length: 2000 }, (_, i) => decideCrossing(facts(`tx-${i}`)));
    // The same transaction always draws the same.
    expect(decideCrossing(facts('tx-7'))).toEqual(runs[7]);
    const selected = runs.filter((r) => r.draw.selected);
    expect(selected.length).toBeGreaterThan(60); // rate 0.05 of 2000 = 100
    expect(selected.length).toBeLessThan(140);
    for (const r of selected)
      expect(r).toMatchObject({ decision: 'INSPECT', reasons: ['RANDOM_SELECTION'] });
    for (const r of runs.filter((x) => !x.draw.selected)) expect(r.decision).toBe('GO');
    // A different tap counter (a new tap, recorded) changes the draw; the txId alone too.
    expect(drawOf(['a', '1'])).not.toBe(drawOf(['a', '2']));
  });
});
