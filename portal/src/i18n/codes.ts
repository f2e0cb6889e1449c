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

const en: Names = {
  direction: { IMPORT: 'Import', EXPORT: 'Export' },
  jurisdiction: { GD: 'Guangdong', HK: 'Hong Kong' },
  mode: {
    SEA: 'Sea',
    RAIL: 'Rail',
    ROAD: 'Road',
    AIR: 'Air',
    POST: 'Post',
    FIXED: 'Fixed installation (pipeline)',
    INLAND_WATERWAY: 'Inland waterway',
  },
  incoterm: {
    EXW: 'Ex Works',
    FCA: 'Free Carrier',
    CPT: 'Carriage Paid To',
    CIP: 'Carriage and Insurance Paid To',
    DAP: 'Delivered at Place',
    DPU: 'Delivered at Place Unloaded',
    DDP: 'Delivered Duty Paid',
    FAS: 'Free Alongside Ship',
    FOB: 'Free on Board',
    CFR: 'Cost and Freight',
    CIF: 'Cost, Insurance and Freight',
  },
  unit: {
    KGM: 'kilogram',
    GRM: 'gram',
    TNE: 'tonne',
    LTR: 'litre',
    MLT: 'millilitre',
    MTQ: 'cubic metre',
    MTR: 'metre',
    MTK: 'square metre',
    CMT: 'centimetre',
    H87: 'piece',
    C62: 'unit',
    PR: 'pair',
    SET: 'set',
    DZN: 'dozen',
    NPR: 'number of pairs',
    KWH: 'kilowatt hour',
  },
  package: {
    CT: 'Carton',
    BX: 'Box',
    PK: 'Package',
    PX: 'Pallet',
    CS: 'Case',
    BG: 'Bag',
    DR: 'Drum',
    CR: 'Crate',
    BL: 'Bale, compressed',
    RO: 'Roll',
    VQ: 'Bulk, liquefied gas',
    VL: 'Bulk, liquid',
    NE: 'Unpacked',
  },
};

const zhHK: Names = {
  direction: { IMPORT: '進口', EXPORT: '出口' },
  jurisdiction: { GD: '廣東', HK: '香港' },
  mode: {
    SEA: '海運',
    RAIL: '鐵路',
    ROAD: '陸路',
    AIR: '空運',
    POST: '郵遞',
    FIXED: '固定設施（管道）',
    INLAND_WATERWAY: '內河',
  },
  incoterm: {
    EXW: '工廠交貨',
    FCA: '貨交承運人',
    CPT: '運費付至',
    CIP: '運費及保險費付至',
    DAP: '目的地交貨',
    DPU: '目的地卸貨後交貨',
    DDP: '完稅後交貨',
    FAS: '船邊交貨',
    FOB: '船上交貨',
    CFR: '成本加運費',
    CIF: '成本、保險費加運費',
  },
  unit: {
    KGM: '公斤',
    GRM: '克',
    TNE: '公噸',
    LTR: '公升',
    MLT: '毫升',
    MTQ: '立方米',
    MTR: '米',
    MTK: '平方米',
    CMT: '厘米',
    H87: '件',
    C62: '個',
    PR: '對',
    SET: '套',
    DZN: '打',
    NPR: '對數',
    KWH: '千瓦小時',
  },
  package: {
    CT: '紙箱',
    BX: '盒',
    PK: '包裝件',
    PX: '卡板',
    CS: '箱',
    BG: '袋',
    DR: '桶',
    CR: '板條箱',
    BL: '壓縮捆',
    RO: '卷',
    VQ: '散裝液化氣體',
    VL: '散裝液體',
    NE: '無包裝',
  },
};

const zhCN: Names = {
  direction: { IMPORT: '进口', EXPORT: '出口' },
  jurisdiction: { GD: '广东', HK: '香港' },
  mode: {
    SEA: '海运',
    RAIL: '铁路',
    ROAD: '公路',
    AIR: '航空',
    POST: '邮运',
    FIXED: '固定设施（管道）',
    INLAND_WATERWAY: '内河',
  },
  incoterm: {
    EXW: '工厂交货',
    FCA: '货交承运人',
    CPT: '运费付至',
    CIP: '运费和保险费付至',
    DAP: '目的地交货',
    DPU: '卸货地交货',
    DDP: '完税后交货',
    FAS: '船边交货',
    FOB: '船上交货',
    CFR: '成本加运费',
    CIF: '成本、保险费加运费',
  },
  unit: {
    KGM: '千克',
    GRM: '克',
    TNE: '吨',
    LTR: '升',
    MLT: '毫升',
    MTQ: '立方米',
    MTR: '米',
    MTK: '平方米',
    CMT: '厘米',
    H87: '件',
    C62: '个',
    PR: '双',
    SET: '套',
    DZN: '打',
    NPR: '双数',
    KWH: '千瓦时',
  },
  package: {
    CT: '纸箱',
    BX: '盒',
    PK: '包装件',
    PX: '托盘',
    CS: '箱',
    BG: '袋',
    DR: '桶',
    CR: '板条箱',
    BL: '压缩包',
    RO: '卷',
    VQ: '散装液化气',
    VL: '散装液体',
    NE: '无包装',
  },
};

export const CODE_NAMES: Record<Locale, Names> = { en, 'zh-HK': zhHK, 'zh-CN': zhCN };

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
