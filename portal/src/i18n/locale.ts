/** The portal's languages (no DOM, no preact: pure modules and their tests import it). */
export const LOCALES = ['zh-HK', 'zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
