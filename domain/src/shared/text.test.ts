import { DeclarationSchema } from '../declarations/declaration';
import { findUnstorableText, isStorableText, StorableText } from './text';

describe('the text rule', () => {
  it.each([
    ['plain text', 'Kwai Chung 葵涌 🚚', true],
    ['U+0000', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud800', false],
    ['a lone low surrogate', '\udc00b', false],
    ['a reversed pair', '\udc00\ud800', false],
  ])('%s', (_label, text, storable) => {
    expect(isStorableText(text)).toBe(storable);
    expect(StorableText.safeParse(text).success).toBe(storable);
  });

  it('finds the first bad string or key anywhere in a value, by path', () => {
    expect(findUnstorableText({ a: [1, 'ok', { b: 'x\u0000' }] })).toBe('$.a[2].b');
    expect(findUnstorableText({ ['k\ud800']: 1 })).toBe('$ (a key)');
    expect(findUnstorableText({ a: ['ok'], n: null, t: true })).toBeUndefined();
  });

  it('is in the domain schemas: a declaration with U+0000 in a text field does not parse', () => {
    const shape = DeclarationSchema.safeParse({ transport: { conveyance: 'AB\u00001234' } });
    expect(shape.success).toBe(false);
    expect(
      shape.error?.issues.some(
        (i) => i.path.join('.') === 'transport.conveyance' && i.message.includes('U+0000'),
      ),
    ).toBe(true);
  });
});
