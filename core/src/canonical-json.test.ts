import { canonicalJson, CanonicalJsonError } from './canonical-json';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts members by UTF-16 code units, recursively, without whitespace', () => {
    // RFC 8785 §3.2.3 sorting example: keys compare by code unit, not by code point.
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ud83d\ude00': 'Emoji',
      '1': 'One',
      '\u0080': 'Control',
      '\u00f6': 'Latin',
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji"}',
    );
    expect(canonicalJson({ b: [3, { d: 1, c: null }], a: true })).toBe(
      '{"a":true,"b":[3,{"c":null,"d":1}]}',
    );
  });

  it('serialises numbers as ECMAScript does', () => {
    expect(canonicalJson([1e21, 1e-7, 0.1 + 0.2, -0, 333333333.3333333, 5e-324])).toBe(
      '[1e+21,1e-7,0.30000000000000004,0,333333333.3333333,5e-324]',
    );
  });

  it('omits undefined members and refuses values JSON cannot carry', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: 10n })).toThrow(CanonicalJsonError);
  });

  it('gives the same bytes whatever the member order', () => {
    expect(canonicalJson({ x: 1, y: { q: 2, p: 3 } })).toBe(
      canonicalJson({ y: { p: 3, q: 2 }, x: 1 }),
    );
  });
});
