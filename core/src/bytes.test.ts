import { asBytes, equalBytes, fromHex, HexError, toHex } from './bytes';

describe('bytes and hex', () => {
  it('writes lower-case hex, two digits a byte, and reads it back in either case', () => {
    const data = new Uint8Array([0, 1, 0x0f, 0x10, 0xab, 0xff]);
    expect(toHex(data)).toBe('00010f10abff');
    expect(fromHex('00010F10ABff')).toEqual(data);
    expect(toHex(new Uint8Array())).toBe('');
    expect(fromHex('')).toEqual(new Uint8Array());
  });

  it('refuses odd-length text and non-hex digits instead of dropping them', () => {
    for (const bad of ['abc', '0g', ' 00', '0x00', '+1'])
      expect(() => fromHex(bad)).toThrow(HexError);
  });

  it('views the same memory of a buffer or a view of part of one', () => {
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    const part = asBytes(new DataView(buffer, 1, 2));
    expect(Array.from(part)).toEqual([2, 3]);
    part[0] = 9;
    expect(Array.from(asBytes(buffer))).toEqual([1, 9, 3, 4]);
  });

  it('compares bytes by length and value', () => {
    expect(equalBytes(fromHex('0102'), fromHex('0102'))).toBe(true);
    expect(equalBytes(fromHex('0102'), fromHex('0103'))).toBe(false);
    expect(equalBytes(fromHex('01'), fromHex('0100'))).toBe(false);
  });
});
