import { LedgerError, parseLedgerError } from './errors';

describe('coded ledger errors', () => {
  it('round-trip through a message with a peer prefix', () => {
    const error = new LedgerError('ALREADY_EXISTS', 'self-check a is already recorded');
    expect(parseLedgerError(`chaincode response 500, ${error.message}`)).toEqual({
      code: 'ALREADY_EXISTS',
      message: 'self-check a is already recorded',
    });
  });

  it('keep the reason a refusal carries', () => {
    const error = new LedgerError(
      'INVALID_ARGUMENT',
      'QQQ is not a control point',
      'UNKNOWN_CONTROL_POINT',
    );
    expect(parseLedgerError(`chaincode response 500, ${error.message}`)).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'QQQ is not a control point',
      reason: 'UNKNOWN_CONTROL_POINT',
    });
  });

  it('ignore JSON that is not a known code', () => {
    expect(parseLedgerError('oops {"code":"WHATEVER","message":"x"}')).toBeUndefined();
    expect(parseLedgerError('no json here')).toBeUndefined();
  });
});
