/**
 * Checkpoint taps and reading counters across the seals of one device: the NFC counter
 * belongs to the physical tag (its UID), the reading counter to the device, so a new seal
 * on the same device continues both; taps only at control points that exist, by officers
 * of the control point's own side.
 */
import type { CrossingRecord, CrossingReason, SealRecord } from '@clearance/domain';
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

const TAG = '04bb0000000001';
const stateReasons = (r: CrossingRecord): CrossingReason[] =>
  r.reasons.filter((x) => x !== 'RANDOM_SELECTION');

async function sealed(): Promise<Border> {
  const border = await createBorder(pki);
  await border.declaration('GD-I', 'GD');
  await border.declaration('GD-J', 'GD');
  await border.device('EL-1', TAG);
  await border.seal('SEAL-1', 'EL-1', ['GD-I']);
  return border;
}

describe('tag counters belong to the tag, across seals', () => {
  it('a new seal on the same device cannot take a tag counter the old seal saw', async () => {
    const border = await sealed();
    await border.tap('SEAL-1', TAG, 5);
    await border.as('gdCustoms').submit('Seal:RemoveSeal', ['SEAL-1', 'arrived']);
    await border.seal('SEAL-2', 'EL-1', ['GD-J']);
    const before = border.ledger.snapshot();
    for (const counter of [1, 5]) {
      await expect(border.tap('SEAL-2', TAG, counter)).rejects.toMatchObject({
        code: 'REPLAYED',
      });
    }
    expect(border.ledger.snapshot()).toEqual(before);
    const seal = JSON.parse((await border.tap('SEAL-2', TAG, 6)).result) as SealRecord;
    expect(seal).toMatchObject({ sealId: 'SEAL-2', lastTagCounter: 6 });
    await expect(border.tap('SEAL-2', TAG, 6)).rejects.toMatchObject({ code: 'REPLAYED' });
  });

  it('the new seal starts from the tag counter it was applied at', async () => {
    const border = await sealed();
    await border.tap('SEAL-1', TAG, 41);
    await border.as('gdCustoms').submit('Seal:RemoveSeal', ['SEAL-1', 'arrived']);
    await border.seal('SEAL-2', 'EL-1', ['GD-J']);
    expect((await border.getSeal('SEAL-2')).lastTagCounter).toBe(41);
  });

  it("another tag's counters are its own", async () => {
    const border = await sealed();
    await border.tap('SEAL-1', TAG, 30);
    await border.device('EL-2', '04bb0000000002');
    await border.seal('SEAL-2', 'EL-2', ['GD-J']);
    await expect(border.tap('SEAL-2', '04bb0000000002', 1)).resolves.toBeDefined();
  });
});

describe('taps at control points', () => {
  it('refuses a control point that does not exist, with its code, before anything is read', async () => {
    const border = await sealed();
    const before = border.ledger.snapshot();
    await expect(border.tap('SEAL-1', TAG, 1, 'QQQ')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      reason: 'UNKNOWN_CONTROL_POINT',
    });
    await expect(border.tap('SEAL-NONE', TAG, 1, 'QQQ')).rejects.toMatchObject({
      reason: 'UNKNOWN_CONTROL_POINT',
    });
    expect(border.ledger.snapshot()).toEqual(before);
  });

  it.each([
    ['LMC', 'gdCustoms', 'FORBIDDEN'],
    ['LMC', 'gdCiq', 'FORBIDDEN'],
    ['SZBHK', 'gdCustoms', 'FORBIDDEN'],
    ['HGG', 'hkCustoms', 'FORBIDDEN'],
    ['SZBGD', 'hkCustoms', 'FORBIDDEN'],
    ['LMC', 'hkCustoms', 'done'],
    ['HGG', 'gdCustoms', 'done'],
    ['HGG', 'gdCiq', 'done'],
  ] as const)('at %s by %s: %s', async (controlPoint, who, expected) => {
    const border = await sealed();
    const before = border.ledger.snapshot();
    const outcome = await border.tap('SEAL-1', TAG, 1, controlPoint, who).then(
      () => 'done',
      (error: { code?: string; reason?: string }) => {
        expect(error.reason).toBe('CONTROL_POINT_OF_OTHER_SIDE');
        return error.code;
      },
    );
    expect(outcome).toBe(expected);
    if (outcome !== 'done') expect(border.ledger.snapshot()).toEqual(before);
  });
});

describe('reading counters of a seal', () => {
  it('a first anchored batch that starts after counter 1 is a gap', async () => {
    const border = await sealed();
    await border.anchor('SEAL-1', 5, 100);
    await border.tap('SEAL-1', TAG, 1);
    expect(stateReasons(await border.decide('SEAL-1'))).toEqual(['READINGS_GAP']);
  });

  it("a new seal on a device continues its counters: a gap is counted from the old seal's last reading", async () => {
    const border = await sealed();
    await border.anchor('SEAL-1', 1, 100);
    await border.as('gdCustoms').submit('Seal:RemoveSeal', ['SEAL-1', 'arrived']);
    await border.seal('SEAL-2', 'EL-1', ['GD-J']);
    expect((await border.getSeal('SEAL-2')).readingsFromCounter).toBe(101);
    // Counters the device used under the old seal cannot be anchored again under the new one.
    await expect(border.anchor('SEAL-2', 50, 120)).rejects.toMatchObject({ code: 'REPLAYED' });
    await border.anchor('SEAL-2', 101, 160);
    await border.tap('SEAL-2', TAG, 1);
    expect(stateReasons(await border.decide('SEAL-2'))).toEqual([]);

    await border.as('gdCustoms').submit('Seal:RemoveSeal', ['SEAL-2', 'arrived']);
    await border.seal('SEAL-3', 'EL-1', ['GD-J']);
    await border.anchor('SEAL-3', 170, 200); // 161..169 never anchored
    await border.tap('SEAL-3', TAG, 2);
    expect(stateReasons(await border.decide('SEAL-3'))).toEqual(['READINGS_GAP']);
  });
});

describe('a removed seal', () => {
  it('refuses a decision on its used tap without asking for a new tap, which it would refuse', async () => {
    const border = await sealed();
    await border.anchor('SEAL-1', 1, 100);
    await border.tap('SEAL-1', TAG, 1);
    await border.decide('SEAL-1');
    await border.as('gdCustoms').submit('Seal:RemoveSeal', ['SEAL-1', 'arrived']);
    await expect(border.tap('SEAL-1', TAG, 2)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const refusal = await border.decide('SEAL-1').then(
      () => undefined,
      (error: { code: string; detail: string }) => error,
    );
    expect(refusal?.code).toBe('REPLAYED');
    expect(refusal?.detail).toContain('removed');
    expect(refusal?.detail).not.toContain('tap again');
  });
});
