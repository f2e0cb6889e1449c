import { describe, expect, it } from '@jest/globals';
import { devnetPlan, FaultPlanError } from './fault-plan';

const ALL = [
  { name: 'peer-other-side' },
  { name: 'orderer-leader', orderers: 3 as const },
  { name: 'orderer-follower', orderers: 3 as const },
  { name: 'redis' },
];

describe('what a fault run needs of the devnet, before it starts', () => {
  it('makes a devnet that does not exist yet with the orderers the faults need', () => {
    expect(devnetPlan(ALL, undefined, false)).toEqual({ action: 'create', orderers: 3 });
    expect(devnetPlan([{ name: 'redis' }], undefined, false)).toEqual({
      action: 'create',
      orderers: 1,
    });
  });

  it('uses a devnet that has enough orderers', () => {
    expect(devnetPlan(ALL, 3, false)).toEqual({ action: 'use' });
    expect(devnetPlan([{ name: 'peer-other-side' }], 1, false)).toEqual({ action: 'use' });
  });

  it('stops at once on a devnet of one orderer, naming the Raft faults and the ways on', () => {
    let error: unknown;
    try {
      devnetPlan(ALL, 1, false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FaultPlanError);
    expect(error).toMatchObject({ code: 'DEVNET_UNFIT' });
    const message = (error as Error).message;
    expect(message).toContain('orderer-leader and orderer-follower need a devnet of 3 orderers');
    expect(message).toContain('npm run faults -- --reset-devnet');
    expect(message).toContain('npm run faults -- --only peer-other-side,redis');
  });

  it('makes it again with three orderers only when asked to', () => {
    expect(devnetPlan(ALL, 1, true)).toEqual({
      action: 'reset',
      orderers: 3,
      because: ['orderer-leader', 'orderer-follower'],
    });
  });
});
