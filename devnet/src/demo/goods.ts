/**
 * The demo's filings: sample consignments between Hong Kong and Guangdong, each an HK
 * export and a GD import sharing a consignment reference, built on the sample filing with
 * goods of their own.
 */
import type { Filing, Jurisdiction } from '@clearance/domain';
import { sampleFiling } from '@clearance/testkit/chaincode';

interface Goods {
  description: string;
  hsCode: string;
  quantity: number;
  unit: string;
  origin: string;
  unitValue: string;
  packages: number;
  grossKg: number;
}

export const GOODS: readonly Goods[] = [
  {
    description: 'Processors and controllers',
    hsCode: '85423100',
    quantity: 1200,
    unit: 'H87',
    origin: 'TW',
    unitValue: '310.00',
    packages: 40,
    grossKg: 860,
  },
  {
    description: 'Fresh oranges',
    hsCode: '080510',
    quantity: 8200,
    unit: 'KGM',
    origin: 'AU',
    unitValue: '11.20',
    packages: 410,
    grossKg: 8700,
  },
  {
    description: 'Smartphones',
    hsCode: '851713',
    quantity: 600,
    unit: 'H87',
    origin: 'CN',
    unitValue: '2450.00',
    packages: 25,
    grossKg: 310,
  },
  {
    description: 'Cotton T-shirts',
    hsCode: '610910',
    quantity: 5000,
    unit: 'H87',
    origin: 'BD',
    unitValue: '18.50',
    packages: 100,
    grossKg: 1250,
  },
  {
    description: 'Lithium-ion batteries',
    hsCode: '850760',
    quantity: 900,
    unit: 'H87',
    origin: 'KR',
    unitValue: '420.00',
    packages: 60,
    grossKg: 2100,
  },
  {
    description: 'Red wine in bottles',
    hsCode: '220421',
    quantity: 3600,
    unit: 'LTR',
    origin: 'FR',
    unitValue: '95.00',
    packages: 400,
    grossKg: 5900,
  },
  {
    description: 'Printed circuit boards',
    hsCode: '853400',
    quantity: 15000,
    unit: 'H87',
    origin: 'HK',
    unitValue: '7.80',
    packages: 30,
    grossKg: 640,
  },
];

/** One side of consignment `ref` (GD import or HK export) with `goods`. */
export function demoFiling(
  declarationId: string,
  jurisdiction: Jurisdiction,
  ref: string,
  goods: Goods,
  conveyance: string,
): Filing {
  const { declaration, commercial } = sampleFiling(declarationId, jurisdiction);
  const total = (Number(goods.unitValue) * goods.quantity).toFixed(2);
  return {
    declaration: {
      ...declaration,
      consignmentRef: ref,
      transport: { ...declaration.transport, conveyance, tripId: `TRIP-${ref.slice(-6)}` },
      items: [
        {
          lineNo: 1,
          hsCode: goods.hsCode,
          description: goods.description,
          quantity: goods.quantity,
          unit: goods.unit,
          origin: goods.origin,
        },
      ],
      packages: { count: goods.packages, kind: 'CT' },
      grossWeightKg: goods.grossKg,
      netWeightKg: Math.round(goods.grossKg * 0.92),
      containers: [],
    },
    commercial: {
      ...commercial,
      invoiceNumber: `INV-${ref.slice(-8)}`,
      lines: [{ lineNo: 1, unitValue: goods.unitValue, totalValue: total }],
      totalValue: total,
    },
  };
}
