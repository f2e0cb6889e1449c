/** The one mapping of the ledger port's errors to API codes, and the worker's retry rule. */
import { describe, expect, it } from '@jest/globals';
import { LedgerError } from '@clearance/domain';
import { ApiError, againOnConflict, toApiError } from './errors';
import {
  CommitError,
  EndorseError,
  LedgerUnavailableError,
  SubmitError,
  type PeerAnswer,
} from '@clearance/fabric-client';
import { retryable } from './operations/runner';

const refusal: PeerAnswer = {
  endpoint: '127.0.0.1:7051',
  mspId: 'GDCustomsMSP',
  status: 500,
  message: 'not a coded message',
  transport: false,
};
const down: PeerAnswer = { ...refusal, status: 14, message: 'UNAVAILABLE', transport: true };

describe('toApiError', () => {
  it("keeps the chaincode's code of an endorsement refusal, with the transaction id and cause", () => {
    const stage = new EndorseError('declaration X does not exist', [refusal], {
      transactionId: 'tx1',
      chaincodeError: { code: 'NOT_FOUND', message: 'declaration X does not exist' },
    });
    const api = toApiError(stage);
    expect(api).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      transactionId: 'tx1',
      cause: stage,
    });
    expect(api.message).toBe('declaration X does not exist');
  });

  it("keeps the chaincode's finer reason, and leaves out one this gateway does not know", () => {
    const refused = (reason: string) =>
      toApiError(
        new EndorseError('x', [refusal], {
          transactionId: 't',
          chaincodeError: { code: 'INVALID_ARGUMENT', message: 'x', reason },
        }),
      );
    expect(refused('NOT_ON_ROUTE')).toMatchObject({
      code: 'INVALID_ARGUMENT',
      reason: 'NOT_ON_ROUTE',
    });
    expect(refused('SIGNER_REVOKED').reason).toBe('SIGNER_REVOKED');
    expect(refused('FROM_A_NEWER_CHAINCODE').reason).toBeUndefined();
  });

  it('maps each stage to its code', () => {
    const cases: [Error, string, number][] = [
      [
        new EndorseError('payloads differ', [refusal], { transactionId: 't', disagreement: true }),
        'INTERNAL',
        500,
      ],
      [
        new EndorseError('could not launch chaincode', [refusal], { transactionId: 't' }),
        'LEDGER_UNAVAILABLE',
        503,
      ],
      [new CommitError(11, 5n, { transactionId: 't' }), 'CONFLICT', 409],
      [new CommitError(10, 5n, { transactionId: 't' }), 'TRANSACTION_INVALID', 409],
      [
        new SubmitError('no leader', 'o:7050', 503, { transactionId: 't' }),
        'LEDGER_UNAVAILABLE',
        503,
      ],
      [new SubmitError('bad', 'o:7050', 400, { transactionId: 't' }), 'INTERNAL', 500],
      [
        new LedgerUnavailableError('no peer', [down], { transactionId: 't' }),
        'LEDGER_UNAVAILABLE',
        503,
      ],
      [new Error('anything else'), 'INTERNAL', 500],
    ];
    for (const [error, code, status] of cases)
      expect([error.name, toApiError(error, 't')]).toEqual([
        error.name,
        expect.objectContaining({ code, status, transactionId: 't' }),
      ]);
  });

  it("maps the twin's LedgerError by the same codes, with its reason", () => {
    const refused = new LedgerError('INVALID_ARGUMENT', 'off the route', 'NOT_ON_ROUTE');
    expect(toApiError(refused, 't')).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
      message: 'off the route',
      reason: 'NOT_ON_ROUTE',
      transactionId: 't',
      cause: refused,
    });
    expect(toApiError(new LedgerError('REPLAYED', 'seen'))).toMatchObject({ status: 409 });
  });

  it('passes an ApiError through unchanged', () => {
    const api = new ApiError('FORBIDDEN');
    expect(toApiError(api)).toBe(api);
  });
});

describe('retryable (operations worker)', () => {
  const judged = (error: Error) => retryable(error);

  it('retries what time may cure and fails what the chaincode refused', () => {
    expect(judged(new LedgerUnavailableError('down', [down], {}))).toBe(true);
    expect(judged(new CommitError(12, 1n, { transactionId: 't' }))).toBe(true);
    expect(judged(new SubmitError('no leader', 'o', 503, {}))).toBe(true);
    expect(judged(new EndorseError('catching up', [refusal], {}))).toBe(true);
    expect(
      judged(
        new EndorseError('x', [refusal], {
          chaincodeError: { code: 'INVALID_STATE', message: 'x' },
        }),
      ),
    ).toBe(false);
    expect(judged(new CommitError(10, 1n, { transactionId: 't' }))).toBe(false);
    expect(judged(new SubmitError('bad', 'o', 400, {}))).toBe(false);
  });

  it("takes the stage's own verdict, where the API code alone would say otherwise", () => {
    // ORDERER_REFUSED is INTERNAL to the API (which alone would be retried): the stage says no.
    const refused = new SubmitError('bad', 'o', 400, {});
    expect([toApiError(refused).code, retryable(refused)]).toEqual(['INTERNAL', false]);
    expect(retryable(new ApiError('INTERNAL'))).toBe(true);
  });

  it('judges errors without a stage (the twin, the database) by their code', () => {
    expect(retryable(new ApiError('LEDGER_UNAVAILABLE'))).toBe(true);
    expect(retryable(new ApiError('CONFLICT'))).toBe(true);
    expect(retryable(new ApiError('ALREADY_EXISTS'))).toBe(false);
    expect(retryable(new LedgerError('CONFLICT', 'changed elsewhere'))).toBe(true);
    expect(retryable(new LedgerError('ALREADY_EXISTS', 'there'))).toBe(false);
    expect(retryable(new Error('a fault of ours'))).toBe(true);
  });
});

describe('againOnConflict', () => {
  const mvcc = () => new CommitError(11, 7n, { transactionId: 'tx-mvcc' }); // MVCC_READ_CONFLICT

  it('sends a submission the ledger invalidated for MVCC again, and returns its result', async () => {
    let calls = 0;
    const result = await againOnConflict(async () => {
      calls += 1;
      if (calls < 3) throw mvcc();
      return 'committed';
    });
    expect([result, calls]).toEqual(['committed', 3]);
  });

  it('gives up after its attempts with the conflict', async () => {
    let calls = 0;
    const failing = againOnConflict(async () => {
      calls += 1;
      throw mvcc();
    }, 2);
    await expect(failing).rejects.toMatchObject({ code: 'MVCC_CONFLICT' });
    expect(calls).toBe(2);
  });

  it("never repeats the chaincode's own CONFLICT, nor any other refusal", async () => {
    for (const refused of [
      new EndorseError('x', [refusal], {
        chaincodeError: { code: 'CONFLICT', message: 'the crossing is already decided otherwise' },
      }),
      new LedgerError('CONFLICT', 'the crossing is already decided otherwise'),
      new CommitError(10, 7n, { transactionId: 'tx-bad' }), // ENDORSEMENT_POLICY_FAILURE
    ]) {
      let calls = 0;
      await expect(
        againOnConflict(async () => {
          calls += 1;
          throw refused;
        }),
      ).rejects.toBe(refused);
      expect(calls).toBe(1);
    }
  });
});
