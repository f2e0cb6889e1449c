import { LedgerError, parseLedgerError } from './errors';

describe('coded ledger errors', () => {
  it('round-trip through a message with a peer prefix', () => {
    const error = new LedgerError('ALREADY_EXISTS', 'self-check a is already recorded');
    expect(parseLedgerError(`chaincode response 500, ${error.message}`)).toEqual({
      code: 'ALREADY_EXISTS',
      message: 'self-check a is already recorded',
    });
  });

  it('ignore JSON that is not a known code', () => {
    expect(parseLedgerError('oops {"code":"WHATEVER","message":"x"}')).toBeUndefined();
    expect(parseLedgerError('no json here')).toBeUndefined();
  });
});
