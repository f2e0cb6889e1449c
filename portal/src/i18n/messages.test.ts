import { CROSSING_REASONS } from '@clearance/domain';
import { API_ERRORS } from '../../../gateway/src/errors';
import { ERROR_MESSAGES } from './errors';
import { MESSAGES } from './messages';

const LOCALES = ['en', 'zh-HK', 'zh-CN'] as const;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the portal in three languages', () => {
  it('has a message in every language for every error code the gateway answers with', () => {
    for (const code of Object.keys(API_ERRORS)) {
      for (const locale of LOCALES) {
        const text = (ERROR_MESSAGES[locale] as Record<string, string>)[code];
        expect({ locale, code, ok: typeof text === 'string' && text.length > 0 }).toEqual({
          locale,
          code,
          ok: true,
        });
      }
    }
  });

  it('names every reason a crossing decision can give', () => {
    for (const reason of CROSSING_REASONS)
      expect({ reason, ok: `reason.${reason}` in MESSAGES.en }).toEqual({ reason, ok: true });
  });

  it('says the same things in each language, with the same placeholders', () => {
    for (const [key, english] of Object.entries(MESSAGES.en)) {
      for (const locale of ['zh-HK', 'zh-CN'] as const) {
        const text = MESSAGES[locale][key as keyof typeof MESSAGES.en];
        expect(text.trim()).not.toBe('');
        expect({ key, locale, names: placeholders(text) }).toEqual({
          key,
          locale,
          names: placeholders(english),
        });
      }
    }
  });

  it('writes Traditional characters for Hong Kong and Simplified for the mainland', () => {
    expect(MESSAGES['zh-HK']['state.RELEASED']).toBe('已放行');
    expect(MESSAGES['zh-HK']['nav.myDeclarations']).toContain('報關單');
    expect(MESSAGES['zh-CN']['nav.myDeclarations']).toContain('报关单');
  });
});
