/**
 * The names of the declaration's codes in each language, shown beside the code in the form
 * ("FCA — 貨交承運人"): trade direction, jurisdiction, transport mode (UN/ECE Rec 19),
 * Incoterms 2020, units (Rec 20) and kinds of package (Rec 21). Countries and currencies
 * are named by the browser (Intl.DisplayNames). A unit test checks every code of the
 * domain's lists has a name in every language.
 */
import type { Locale } from './locale';

export const CODE_LISTS = [
  'direction',
  'jurisdiction',
  'mode',
  'incoterm',
  'unit',
  'package',
] as const;
export type CodeList = (typeof CODE_LISTS)[number];

type Names = Record<CodeList, Record<string, string>>;

/** A code's name in English, in traditional Chinese (Hong Kong) and in simplified Chinese. */
type InEachLanguage = readonly [en: string, zhHK: string, zhCN: string];

/** Every code once, with its name in the three languages side by side. */
const NAMES: Record<CodeList, Record<string, InEachLanguage>> = {
  direction: {
    IMPORT: ['Import', '進口', '进口'],
    EXPORT: ['Export', '出口', '出口'],
  },
  jurisdiction: {
    GD: ['Guangdong', '廣東', '广东'],
    HK: ['Hong Kong', '香港', '香港'],
  },
  mode: {
    SEA: ['Sea', '海運', '海运'],
    RAIL: ['Rail', '鐵路', '铁路'],
    ROAD: ['Road', '陸路', '公路'],
    AIR: ['Air', '空運', '航空'],
    POST: ['Post', '郵遞', '邮运'],
    FIXED: ['Fixed installation (pipeline)', '固定設施（管道）', '固定设施（管道）'],
    INLAND_WATERWAY: ['Inland waterway', '內河', '内河'],
  },
  incoterm: {
    EXW: ['Ex Works', '工廠交貨', '工厂交货'],
    FCA: ['Free Carrier', '貨交承運人', '货交承运人'],
    CPT: ['Carriage Paid To', '運費付至', '运费付至'],
    CIP: ['Carriage and Insurance Paid To', '運費及保險費付至', '运费和保险费付至'],
    DAP: ['Delivered at Place', '目的地交貨', '目的地交货'],
    DPU: ['Delivered at Place Unloaded', '目的地卸貨後交貨', '卸货地交货'],
    DDP: ['Delivered Duty Paid', '完稅後交貨', '完税后交货'],
    FAS: ['Free Alongside Ship', '船邊交貨', '船边交货'],
    FOB: ['Free on Board', '船上交貨', '船上交货'],
    CFR: ['Cost and Freight', '成本加運費', '成本加运费'],
    CIF: ['Cost, Insurance and Freight', '成本、保險費加運費', '成本、保险费加运费'],
  },
  unit: {
    KGM: ['kilogram', '公斤', '千克'],
    GRM: ['gram', '克', '克'],
    TNE: ['tonne', '公噸', '吨'],
    LTR: ['litre', '公升', '升'],
    MLT: ['millilitre', '毫升', '毫升'],
    MTQ: ['cubic metre', '立方米', '立方米'],
    MTR: ['metre', '米', '米'],
    MTK: ['square metre', '平方米', '平方米'],
    CMT: ['centimetre', '厘米', '厘米'],
    H87: ['piece', '件', '件'],
    C62: ['unit', '個', '个'],
    PR: ['pair', '對', '双'],
    SET: ['set', '套', '套'],
    DZN: ['dozen', '打', '打'],
    NPR: ['number of pairs', '對數', '双数'],
    KWH: ['kilowatt hour', '千瓦小時', '千瓦时'],
  },
  package: {
    CT: ['Carton', '紙箱', '纸箱'],
    BX: ['Box', '盒', '盒'],
    PK: ['Package', '包裝件', '包装件'],
    PX: ['Pallet', '卡板', '托盘'],
    CS: ['Case', '箱', '箱'],
    BG: ['Bag', '袋', '袋'],
    DR: ['Drum', '桶', '桶'],
    CR: ['Crate', '板條箱', '板条箱'],
    BL: ['Bale, compressed', '壓縮捆', '压缩包'],
    RO: ['Roll', '卷', '卷'],
    VQ: ['Bulk, liquefied gas', '散裝液化氣體', '散装液化气'],
    VL: ['Bulk, liquid', '散裝液體', '散装液体'],
    NE: ['Unpacked', '無包裝', '无包装'],
  },
};

/** The names of every list in one language (its place in InEachLanguage). */
function namesIn(language: 0 | 1 | 2): Names {
  const list = (name: CodeList) =>
    Object.fromEntries(Object.entries(NAMES[name]).map(([code, names]) => [code, names[language]]));
  return {
    direction: list('direction'),
    jurisdiction: list('jurisdiction'),
    mode: list('mode'),
    incoterm: list('incoterm'),
    unit: list('unit'),
    package: list('package'),
  };
}

export const CODE_NAMES: Record<Locale, Names> = {
  en: namesIn(0),
  'zh-HK': namesIn(1),
  'zh-CN': namesIn(2),
};

/** "FCA — Free Carrier": the code as filed, its name in `locale` (the code alone if unknown). */
export function codeLabel(locale: Locale, list: CodeList, code: string): string {
  const name = CODE_NAMES[locale][list][code];
  return name ? `${code} — ${name}` : code;
}

/** A country's or currency's name as the browser knows it in `locale` (the code if not). */
export function displayName(locale: Locale, type: 'region' | 'currency', code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type }).of(code) ?? code;
  } catch {
    return code; // a code Intl does not accept
  }
}
