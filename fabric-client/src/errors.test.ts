/** Each stage error says its stage, its code, where it failed and whether time may cure it. */
import { describe, expect, it } from '@jest/globals';
import {
  CommitError,
  EndorseError,
  LedgerUnavailableError,
  SubmitError,
  type PeerAnswer,
} from './errors';

const refused: PeerAnswer = {
  endpoint: 'peer0.gd:7051',
  mspId: 'GDCustomsMSP',
  status: 500,
  message: 'no',
  transport: false,
};
const skipped: PeerAnswer = {
  ...refused,
  endpoint: 'peer0.hk:9051',
  status: 14,
  transport: true,
  skipped: true,
};

describe('stage errors', () => {
  it("carry the chaincode's own code and reason for a coded refusal, not retryable", () => {
    const error = new EndorseError('no such declaration', [skipped, refused], {
      transactionId: 't1',
      chaincodeError: { code: 'NOT_FOUND', message: 'no such declaration', reason: 'X' },
    });
    expect(error).toMatchObject({
      stage: 'endorse',
      code: 'NOT_FOUND',
      reason: 'X',
      transactionId: 't1',
      endpoint: 'peer0.gd:7051',
      retryable: false,
    });
  });

  it('code what the client saw itself, with its verdict on trying again', () => {
    const cases: [Error & { code: string; retryable: boolean; stage: string }, object][] = [
      [
        new EndorseError('launching', [refused], { stage: 'read' }),
        { stage: 'read', code: 'ENDORSEMENT_REFUSED', retryable: true },
      ],
      [
        new EndorseError('differ', [refused], { disagreement: true }),
        { stage: 'endorse', code: 'ENDORSEMENTS_DIFFER', retryable: true },
      ],
      [
        new SubmitError('no leader', 'orderer0:7050', 503, { transactionId: 't' }),
        { stage: 'submit', code: 'ORDERER_BUSY', retryable: true, endpoint: 'orderer0:7050' },
      ],
      [
        new SubmitError('bad', 'orderer0:7050', 400, { transactionId: 't' }),
        { stage: 'submit', code: 'ORDERER_REFUSED', retryable: false },
      ],
      [
        new CommitError(11, 4n, { transactionId: 't' }),
        { stage: 'commit', code: 'MVCC_CONFLICT', retryable: true, blockNumber: 4n },
      ],
      [
        new CommitError(10, 4n, { transactionId: 't' }),
        { stage: 'commit', code: 'TRANSACTION_INVALID', retryable: false },
      ],
      [
        new LedgerUnavailableError('no commit in time', [], {
          transactionId: 't',
          stage: 'commit-status',
        }),
        { stage: 'commit-status', code: 'UNAVAILABLE', retryable: true, endpoint: undefined },
      ],
      [
        new LedgerUnavailableError('no peer', [skipped, { ...refused, transport: true }], {}),
        { code: 'UNAVAILABLE', endpoint: 'peer0.gd:7051' },
      ],
    ];
    for (const [error, expected] of cases)
      expect([error.name, error]).toEqual([error.name, expect.objectContaining(expected)]);
  });
});
