import { Message, MalformedError, readFields } from './protobuf';
import { decodeEcdsaSignature } from './crypto';

describe('the protobuf reader', () => {
  it('reads varint, fixed and length-delimited fields, the last of a singular field winning', () => {
    const m = Message.parse(
      Uint8Array.of(0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69, 0x08, 0x05, 0x1d, 1, 0, 0, 0),
    );
    expect(m.uint(1)).toBe(5n);
    expect(m.string(2)).toBe('hi');
    expect(m.uint(3)).toBe(1n);
    expect(m.bytes(9)).toEqual(new Uint8Array(0));
  });

  it.each([
    ['a truncated varint', [0x08, 0x96]],
    ['a length past the end', [0x12, 0x05, 0x68]],
    ['a group (wire type 3)', [0x0b]],
    ['field number 0', [0x00, 0x01]],
    ['a truncated fixed64', [0x09, 1, 2, 3]],
  ])('refuses %s', (_, bytes) => {
    expect(() => readFields(Uint8Array.from(bytes))).toThrow(MalformedError);
  });

  it('refuses text that is not UTF-8', () => {
    expect(() => Message.parse(Uint8Array.of(0x12, 0x01, 0xff)).string(2)).toThrow(MalformedError);
  });
});

describe('ECDSA signature encoding', () => {
  it('reads exactly one minimal DER signature', () => {
    expect(
      decodeEcdsaSignature(Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07)),
    ).toEqual({ r: 5n, s: 7n });
    // non-minimal integer, negative integer, trailing byte, wrong outer length
    for (const bad of [
      [0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x07],
      [0x30, 0x06, 0x02, 0x01, 0x85, 0x02, 0x01, 0x07],
      [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07, 0x00],
      [0x30, 0x05, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07],
    ])
      expect(decodeEcdsaSignature(Uint8Array.from(bad))).toBeUndefined();
  });
});
