import { generateKeyPairSync } from 'node:crypto';
import {
  type DeclarationRecord,
  type DeviceRecord,
  type SealRecord,
  EVENTS,
} from '@clearance/domain';
import {
  OFFICERS,
  listAuthority,
  sampleFiling,
  signFiling,
  MemoryLedger,
  createTestPki,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { DeclarationContract } from './declaration';
import { SealContract } from './seal';
import { TrustListContract } from './trust-list';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

const devicePem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();
const device = (deviceId: string) =>
  JSON.stringify({
    deviceId,
    model: 'GPS-ELOCK-7',
    publicKeyPem: devicePem,
    tagUid: '04c0ffee123456',
  });
const batch = (from: number, to: number) =>
  JSON.stringify({
    batchId: `b-${from}`,
    fromCounter: from,
    toCounter: to,
    count: to - from + 1,
    merkleRoot: 'ab'.repeat(32),
    firstTime: '2026-11-25T08:00:00.000Z',
    lastTime: '2026-11-25T08:05:00.000Z',
  });

async function setup(): Promise<MemoryLedger> {
  const ledger = new MemoryLedger([
    new DeclarationContract(),
    new TrustListContract(),
    new SealContract(),
  ]);
  await listAuthority(
    ledger.invokerFor(OFFICERS.gdTrustAdmin),
    ledger.invokerFor(OFFICERS.hkTrustAdmin),
    pki.gd,
  );
  for (const id of ['GD-S1', 'GD-S2']) {
    const signed = await signFiling(sampleFiling(id), pki.signers.gdTrader);
    await ledger
      .invokerFor(OFFICERS.gdAgent)
      .submit('Declaration:File', signed.args, signed.transient);
  }
  await ledger.invokerFor(OFFICERS.gdCustoms).submit('Declaration:Accept', ['GD-S2', '']);
  return ledger;
}

const operator = (l: MemoryLedger) => l.invokerFor(OFFICERS.sealOperator);
const apply = (sealId: string, deviceId = 'EL-0001') =>
  JSON.stringify({
    sealId,
    deviceId,
    conveyance: 'ZM1234',
    routeId: 'HKIA-FUTIAN',
    declarationIds: ['GD-S1', 'GD-S2'],
  });

async function accreditedLedger(): Promise<MemoryLedger> {
  const ledger = await setup();
  await operator(ledger).submit('Seal:RegisterDevice', [device('EL-0001')]);
  const pending = await ledger
    .invokerFor(OFFICERS.gdCustoms)
    .submit('Seal:AccreditDevice', ['EL-0001']);
  expect((JSON.parse(pending.result) as DeviceRecord).status).toBe('PENDING');
  await expect(operator(ledger).submit('Seal:ApplySeal', [apply('SEAL-0')])).rejects.toMatchObject({
    code: 'INVALID_STATE',
  });
  const done = await ledger
    .invokerFor(OFFICERS.hkCustoms)
    .submit('Seal:AccreditDevice', ['EL-0001']);
  expect((JSON.parse(done.result) as DeviceRecord).status).toBe('ACCREDITED');
  return ledger;
}

describe('Seal contract: one lock across the boundary', () => {
  it('applies a seal, anchors batches in counter order, checks taps with rising counters, removes it', async () => {
    const ledger = await accreditedLedger();
    const applied = await operator(ledger).submit('Seal:ApplySeal', [apply('SEAL-1')]);
    expect(applied.event?.name).toBe(EVENTS.SealApplied);
    await expect(
      operator(ledger).submit('Seal:ApplySeal', [apply('SEAL-2')]),
    ).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });

    await operator(ledger).submit('Seal:AnchorReadings', ['SEAL-1', batch(1, 500)]);
    const second = await operator(ledger).submit('Seal:AnchorReadings', [
      'SEAL-1',
      batch(501, 900),
    ]);
    expect(JSON.parse(second.event?.payload as string)).toMatchObject({
      batchNo: 2,
      count: 400,
      toCounter: 900,
    });
    await expect(
      operator(ledger).submit('Seal:AnchorReadings', ['SEAL-1', batch(800, 950)]),
    ).rejects.toMatchObject({
      code: 'REPLAYED',
    });
    const anchors = JSON.parse(await operator(ledger).evaluate('Seal:GetAnchors', ['SEAL-1'])) as {
      batchNo: number;
    }[];
    expect(anchors.map((a) => a.batchNo)).toEqual([1, 2]);

    const officer = ledger.invokerFor(OFFICERS.hkCustoms);
    const tap = (counter: number, tagUid = '04c0ffee123456') =>
      officer.submit('Seal:RecordCheckpoint', [
        'SEAL-1',
        JSON.stringify({ controlPoint: 'LMC', tagUid, counter }),
      ]);
    await tap(5);
    await tap(9);
    await expect(tap(9)).rejects.toMatchObject({ code: 'REPLAYED' });
    await expect(tap(12, '04000000000000')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const removed = await ledger
      .invokerFor(OFFICERS.gdCustoms)
      .submit('Seal:RemoveSeal', ['SEAL-1', 'arrived at Futian']);
    const seal = JSON.parse(removed.result) as SealRecord;
    expect(seal).toMatchObject({
      state: 'REMOVED',
      batches: 2,
      anchoredToCounter: 900,
      lastTagCounter: 9,
    });
    expect(seal.checkpoints.map((c) => [c.action, c.actor.mspId, c.counter])).toEqual([
      ['RECORD_CHECKPOINT', 'HKCustomsMSP', 5],
      ['RECORD_CHECKPOINT', 'HKCustomsMSP', 9],
    ]);
    await operator(ledger).submit('Seal:ApplySeal', [apply('SEAL-3')]); // the device is free again
    const byTag = JSON.parse(await officer.evaluate('Seal:GetSealByTag', ['04c0ffee123456'])) as {
      sealId: string;
    };
    expect(byTag.sealId).toBe('SEAL-3');
    const sameTag = JSON.stringify({ ...JSON.parse(device('EL-0002')) });
    await expect(operator(ledger).submit('Seal:RegisterDevice', [sameTag])).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      detail: 'tag 04c0ffee123456 belongs to another device',
    });
  });

  it('puts every declaration the seal covers on HOLD in the alarm transaction itself', async () => {
    const ledger = await accreditedLedger();
    await operator(ledger).submit('Seal:ApplySeal', [apply('SEAL-A')]);
    const alarm = await operator(ledger).submit('Seal:RecordAlarm', [
      'SEAL-A',
      'TAMPER',
      'shackle cut near San Tin',
    ]);
    expect(alarm.event?.name).toBe(EVENTS.SealAlarmRaised);
    expect(JSON.parse(alarm.event?.payload as string)).toMatchObject({
      kind: 'TAMPER',
      heldDeclarations: ['GD-S1', 'GD-S2'],
    });
    for (const id of ['GD-S1', 'GD-S2']) {
      const d = JSON.parse(
        await ledger.invokerFor(OFFICERS.gdCustoms).evaluate('Declaration:Get', [id]),
      ) as DeclarationRecord;
      expect(d.hold).toMatchObject({
        action: 'HOLD',
        actor: { mspId: 'LogisticsMSP' },
        txId: alarm.txId,
      });
      expect(d.hold?.reason).toContain('TAMPER');
    }
    // Already held: a second alarm holds them too, as a cause of its own (a clearing of the
    // first alone must not lift the hold), and the first hold stays the declaration's hold.
    const again = await operator(ledger).submit('Seal:RecordAlarm', [
      'SEAL-A',
      'ROUTE_DEVIATION',
      '2.4 km off route',
    ]);
    expect(JSON.parse(again.event?.payload as string)).toMatchObject({
      heldDeclarations: ['GD-S1', 'GD-S2'],
    });
    const d = JSON.parse(
      await ledger.invokerFor(OFFICERS.gdCustoms).evaluate('Declaration:Get', ['GD-S2']),
    ) as DeclarationRecord;
    expect(d.hold?.txId).toBe(alarm.txId);
    expect(d.holdCauses?.map((c) => [c.path, c.sealId, c.txId])).toEqual([
      ['SEAL_ALARM', 'SEAL-A', alarm.txId],
      ['SEAL_ALARM', 'SEAL-A', again.txId],
    ]);
    await expect(
      ledger
        .invokerFor(OFFICERS.gdCustoms)
        .submit('Declaration:MarkReleaseEligible', ['GD-S2', '']),
    ).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  it('refuses the wrong people and bad input, changing nothing', async () => {
    const ledger = await accreditedLedger();
    const before = ledger.snapshot();
    await expect(
      ledger.invokerFor(OFFICERS.gdCustoms).submit('Seal:RegisterDevice', [device('EL-9')]),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(operator(ledger).submit('Seal:AccreditDevice', ['EL-0001'])).rejects.toMatchObject(
      { code: 'FORBIDDEN' },
    );
    await expect(operator(ledger).submit('Seal:RemoveSeal', ['SEAL-X', 'x'])).rejects.toMatchObject(
      { code: 'FORBIDDEN' },
    );
    const badKey = JSON.stringify({
      ...JSON.parse(device('EL-8')),
      publicKeyPem: pki.signers.hkTrader.certificatePem,
    });
    await expect(operator(ledger).submit('Seal:RegisterDevice', [badKey])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      operator(ledger).submit('Seal:RegisterDevice', [device('EL-0001')]),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const unknownDeclaration = JSON.stringify({
      ...JSON.parse(apply('SEAL-U')),
      declarationIds: ['GD-NONE'],
    });
    await expect(
      operator(ledger).submit('Seal:ApplySeal', [unknownDeclaration]),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      operator(ledger).submit('Seal:RecordAlarm', ['SEAL-U', 'FIRE', '']),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(ledger.snapshot()).toEqual(before);
  });
});
