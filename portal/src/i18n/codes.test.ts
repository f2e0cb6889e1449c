/** Every code the form offers has a name in every language, and the form shows it. */
import {
  INCOTERMS,
  JURISDICTIONS,
  PACKAGE_KINDS,
  TRADE_DIRECTIONS,
  TRANSPORT_MODES,
  UNITS,
} from '@clearance/domain';
import { CODE_LISTS, CODE_NAMES, codeLabel, type CodeList } from './codes';

const LISTS: Record<CodeList, readonly string[]> = {
  direction: TRADE_DIRECTIONS,
  jurisdiction: JURISDICTIONS,
  mode: TRANSPORT_MODES,
  incoterm: INCOTERMS,
  unit: [...UNITS],
  package: [...PACKAGE_KINDS],
};

describe('code names in the new-declaration form', () => {
  it.each(['en', 'zh-HK', 'zh-CN'] as const)(
    'names every code of every list in %s, and nothing that is not a code',
    (locale) => {
      for (const list of CODE_LISTS) {
        const names = CODE_NAMES[locale][list];
        expect([list, Object.keys(names).sort()]).toEqual([list, [...LISTS[list]].sort()]);
        for (const code of LISTS[list]) expect(names[code]?.trim()).toBeTruthy();
      }
    },
  );

  it('shows the code with its name in the chosen language', () => {
    expect(codeLabel('zh-HK', 'incoterm', 'FCA')).toBe('FCA — 貨交承運人');
    expect(codeLabel('zh-CN', 'unit', 'KGM')).toBe('KGM — 千克');
    expect(codeLabel('zh-HK', 'mode', 'ROAD')).toBe('ROAD — 陸路');
    expect(codeLabel('en', 'package', 'CT')).toBe('CT — Carton');
    expect(codeLabel('zh-CN', 'direction', 'IMPORT')).toBe('IMPORT — 进口');
    expect(codeLabel('en', 'unit', 'XYZ')).toBe('XYZ');
  });

  it('has the Chinese names differ from the English ones (translated, not copied)', () => {
    for (const list of CODE_LISTS)
      for (const code of LISTS[list])
        expect([list, code, CODE_NAMES['zh-HK'][list][code] === CODE_NAMES.en[list][code]]).toEqual(
          [list, code, false],
        );
  });
});
