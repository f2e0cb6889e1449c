import { LedgerError } from '@clearance/domain';
import { boundedText, parseJsonArgument } from './ledger-io';

/** The domain's text rule (domain/src/shared/text.ts) at the chaincode's argument edge. */
describe('the text rule', () => {
  it('is in every chaincode argument: raw text and escapes inside JSON', () => {
    expect(() => boundedText('a\u0000', 'reason')).toThrow(LedgerError);
    expect(() => parseJsonArgument('{"note":"\\u0000"}', 'check')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => parseJsonArgument('["\\ud800"]', 'list')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(parseJsonArgument('{"note":"\\ud83d\\ude9a"}', 'check')).toEqual({ note: '🚚' });
  });
});
