import { readPayload } from './listener';

describe('readPayload', () => {
  it('parses a JSON payload', () => {
    expect(readPayload(Buffer.from('{"a":1}'))).toEqual({ payload: { a: 1 } });
  });

  it('passes a payload that is not JSON on with why, to be recorded as poison', () => {
    const read = readPayload(Buffer.from('{not json'));
    expect(read.payload).toBe('{not json');
    expect(read.payloadError).toMatch(/^payload is not JSON/);
  });
});
