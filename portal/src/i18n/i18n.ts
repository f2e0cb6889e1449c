/**
 * Three languages, switchable at any time: Traditional Chinese (Hong Kong), Simplified
 * Chinese and English. Dates, numbers and money go through Intl in the chosen locale.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ERROR_MESSAGES, type ErrorCode } from './errors';
import { MESSAGES, type MessageKey } from './messages';

import { LOCALES, type Locale } from './locale';

export { LOCALES, type Locale };

const STORAGE_KEY = 'portal.locale';

export function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  const known = LOCALES.find((l) => l === saved);
  if (known) return known;
  const preferred = navigator.language;
  if (/^zh-(HK|TW|MO|Hant)/i.test(preferred)) return 'zh-HK';
  if (/^zh/i.test(preferred)) return 'zh-CN';
  return 'en';
}

export function saveLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

export type Params = Record<string, string | number>;

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const text: string = MESSAGES[locale][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** Whether a key built at run time (a state, a reason, an action) is in the catalog. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(MESSAGES.en, key);
}

export function isKnownError(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_MESSAGES.en, code);
}

/** The user's message for an error code; unknown codes still say which code it was. */
export function errorText(locale: Locale, code: string): string {
  return isKnownError(code)
    ? ERROR_MESSAGES[locale][code]
    : translate(locale, 'error.unknown', { code });
}

export interface I18n {
  locale: Locale;
  t: (key: MessageKey, params?: Params) => string;
  /** A key built at run time: its message, or the key itself when the catalog has none. */
  text: (key: string, params?: Params) => string;
  error: (code: string) => string;
  date: (iso: string | Date) => string;
  number: (value: number) => string;
  money: (amount: string, currency: string) => string;
}

export function makeI18n(locale: Locale): I18n {
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    text: (key, params) => (isMessageKey(key) ? translate(locale, key, params) : key),
    error: (code) => errorText(locale, code),
    date: (iso) => {
      const d = typeof iso === 'string' ? new Date(iso) : iso;
      return Number.isNaN(d.getTime()) ? String(iso) : dateFormat.format(d);
    },
    number: (value) => numberFormat.format(value),
    money: (amount, currency) => {
      const value = Number(amount);
      if (!Number.isFinite(value)) return amount;
      try {
        return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
      } catch {
        return `${amount} ${currency}`; // a currency code Intl does not know
      }
    },
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));
export const useI18n = (): I18n => useContext(I18nContext);
