/** Which events poke the dual worker, for which side. */
import { EVENTS } from '@clearance/domain';
import { sidesWithDualWork } from './events';

const declarationEvent = (jurisdiction: string, pair?: object) => ({
  declarationId: `X-${jurisdiction}`,
  version: 1,
  state: 'SUBMITTED',
  onHold: false,
  jurisdiction,
  consignmentRef: 'C-1',
  action: 'FILE',
  actor: { mspId: 'HKCustomsMSP' },
  at: '2026-12-06T00:00:00.000Z',
  ...(pair ? { pair } : {}),
});
const pair = { submissionId: 'S-1', submissionVersion: 1, receivedIn: 'HK' };

describe('sidesWithDualWork', () => {
  it('a half written where the submission was received: the other side has a half to file', () => {
    expect(sidesWithDualWork(EVENTS.DeclarationFiled, declarationEvent('HK', pair))).toEqual([
      'GD',
    ]);
    expect(
      sidesWithDualWork(EVENTS.DeclarationAmended, {
        ...declarationEvent('HK', { ...pair, submissionVersion: 2 }),
        action: 'AMEND',
      }),
    ).toEqual(['GD']);
  });

  it('an amendment of the other half alone: that side', () => {
    const event = { submissionId: 'S-1', version: 2, receivedIn: 'GD', at: 'x', txId: 't' };
    expect(sidesWithDualWork(EVENTS.DualSubmissionAmended, event)).toEqual(['HK']);
  });

  it('the other side filed its half: the receiving side may settle', () => {
    expect(sidesWithDualWork(EVENTS.DeclarationFiled, declarationEvent('GD', pair))).toEqual([
      'HK',
    ]);
  });

  it('single filings, other acts and unreadable payloads mean no dual work', () => {
    expect(sidesWithDualWork(EVENTS.DeclarationFiled, declarationEvent('HK'))).toEqual([]);
    expect(sidesWithDualWork(EVENTS.DeclarationAccepted, declarationEvent('HK', pair))).toEqual([]);
    expect(sidesWithDualWork(EVENTS.DeclarationFiled, 'not an object')).toEqual([]);
    expect(
      sidesWithDualWork(EVENTS.DualSubmissionAmended, { submissionId: 'S', receivedIn: 'XX' }),
    ).toEqual([]);
  });
});
