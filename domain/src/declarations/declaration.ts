/**
 * The customs declaration: after the WCO data model and the mainland / Hong Kong forms.
 * What the trader signs is the filing, `{ declaration, commercial }` as RFC 8785 JSON;
 * the commercial part (prices, invoice) is private data of customs and inspection.
 */
import { z } from 'zod';
import { COUNTRIES, CURRENCIES, INCOTERMS, PACKAGE_KINDS, TRANSPORT_MODES, UNITS } from './codes';
import { LedgerError } from '../shared/errors';
import { StorableText } from '../shared/text';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const text = (max: number) => StorableText.trim().min(1).max(max);
const inSet = (set: ReadonlySet<string>, what: string) =>
  z.string().refine((v) => set.has(v), { message: `not a known ${what} code` });
const country = inSet(COUNTRIES, 'ISO 3166-1 country');
const weightKg = z.number().positive().max(1e7);
/** Money as a decimal string (no binary floats in signed or summed values). */
const money = z
  .string()
  .regex(/^\d{1,13}(\.\d{1,2})?$/, 'a decimal amount with at most 2 decimals');

/** ISO 6346 container number with its check digit (e.g. CSQU3054383). */
export function isValidContainerNumber(value: string): boolean {
  if (!/^[A-Z]{3}[UJZ]\d{7}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = value.charCodeAt(i);
    let n: number;
    if (i < 4) {
      // Letters count from 10 (A) skipping multiples of 11.
      n = ch - 65 + 10;
      n += Math.floor((n - 1) / 10);
    } else {
      n = ch - 48;
    }
    sum += n * 2 ** i;
  }
  return (sum % 11) % 10 === Number(value[10]);
}

const Party = z
  .object({
    name: text(140),
    identifier: text(35).optional(),
    address: text(256).optional(),
    country,
  })
  .strict();

const Item = z
  .object({
    lineNo: z.number().int().min(1).max(999),
    /** 6-digit HS subheading, optionally extended to the national 8 or 10 digits. */
    hsCode: z.string().regex(/^\d{6}(\d{2}|\d{4})?$/, 'an HS code of 6, 8 or 10 digits'),
    description: text(512),
    quantity: z.number().positive().max(1e12),
    unit: inSet(UNITS, 'UN/ECE Rec 20 unit'),
    origin: country,
  })
  .strict();

const Container = z
  .object({
    number: z.string().refine(isValidContainerNumber, 'not an ISO 6346 container number'),
    sealNumbers: z.array(text(35)).max(10),
  })
  .strict();

/** Whose customs receive a declaration (and who recognises a certificate authority). */
export const JURISDICTIONS = ['GD', 'HK'] as const;
/** EXPORT from Hong Kong or IMPORT into Guangdong (or the reverse). */
export const TRADE_DIRECTIONS = ['EXPORT', 'IMPORT'] as const;

export const DeclarationSchema = z
  .object({
    declarationId: z.string().regex(ID_PATTERN, '1-64 characters of A-Z a-z 0-9 . _ -'),
    /** EXPORT from Hong Kong or IMPORT into Guangdong (or the reverse). */
    direction: z.enum(TRADE_DIRECTIONS),
    /** Whose customs receive this declaration. */
    jurisdiction: z.enum(JURISDICTIONS),
    /** Shared by the HK export and the GD import declarations of the same goods. */
    consignmentRef: z.string().regex(/^[A-Z0-9-]{6,35}$/, '6-35 of A-Z 0-9 -'),
    declarant: Party,
    consignor: Party,
    consignee: Party,
    customsOffice: z.string().regex(/^[A-Z0-9]{2,10}$/),
    portOfLoading: z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'a UN/LOCODE'),
    portOfDischarge: z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'a UN/LOCODE'),
    transport: z
      .object({
        mode: z.enum(TRANSPORT_MODES),
        conveyance: text(35),
        tripId: text(35),
        billOfLading: text(35).optional(),
      })
      .strict(),
    tradeTerms: z.enum(INCOTERMS),
    currency: inSet(CURRENCIES, 'ISO 4217 currency'),
    items: z.array(Item).min(1).max(999),
    packages: z
      .object({
        count: z.number().int().min(1).max(1e6),
        kind: inSet(PACKAGE_KINDS, 'UN/ECE Rec 21 package'),
      })
      .strict(),
    grossWeightKg: weightKg,
    netWeightKg: weightKg,
    containers: z.array(Container).max(50),
    documents: z.array(z.object({ type: text(35), reference: text(70) }).strict()).max(50),
  })
  .strict()
  .superRefine((d, ctx) => {
    const lines = d.items.map((i) => i.lineNo);
    if (new Set(lines).size !== lines.length) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'item line numbers repeat' });
    }
    if (d.netWeightKg > d.grossWeightKg) {
      ctx.addIssue({
        code: 'custom',
        path: ['netWeightKg'],
        message: 'net weight exceeds gross weight',
      });
    }
    for (const port of ['portOfLoading', 'portOfDischarge'] as const) {
      if (!COUNTRIES.has(d[port].slice(0, 2))) {
        ctx.addIssue({
          code: 'custom',
          path: [port],
          message: 'UN/LOCODE country part is unknown',
        });
      }
    }
  });

export const CommercialSchema = z
  .object({
    /** Random, so the on-chain hash of these values cannot be guessed back. */
    salt: z.string().regex(/^[0-9a-f]{32,64}$/, '32-64 lower-case hex digits'),
    invoiceNumber: text(35),
    freight: money,
    insurance: money,
    lines: z
      .array(
        z
          .object({ lineNo: z.number().int().min(1).max(999), unitValue: money, totalValue: money })
          .strict(),
      )
      .min(1)
      .max(999),
    totalValue: money,
  })
  .strict();

export type Declaration = z.infer<typeof DeclarationSchema>;
export type Commercial = z.infer<typeof CommercialSchema>;
export interface Filing {
  declaration: Declaration;
  commercial: Commercial;
}

function cents(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole as string) * 100n + BigInt(fraction.padEnd(2, '0'));
}

function describe(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${[prefix, ...i.path].join('.')}: ${i.message}`)
    .join('; ');
}

/** Validates a filing: structure, codes, and that the commercial lines match the items. */
export function parseFiling(declaration: unknown, commercial: unknown): Filing {
  const d = DeclarationSchema.safeParse(declaration);
  if (!d.success) throw new LedgerError('INVALID_ARGUMENT', describe(d.error, 'declaration'));
  const c = CommercialSchema.safeParse(commercial);
  if (!c.success) throw new LedgerError('INVALID_ARGUMENT', describe(c.error, 'commercial'));
  const itemLines = d.data.items.map((i) => i.lineNo).sort((a, b) => a - b);
  const valueLines = c.data.lines.map((l) => l.lineNo).sort((a, b) => a - b);
  if (itemLines.join() !== valueLines.join()) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      'commercial.lines must value each item line exactly once',
    );
  }
  const sum = c.data.lines.reduce((total, l) => total + cents(l.totalValue), 0n);
  if (sum !== cents(c.data.totalValue)) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      'commercial.totalValue is not the sum of the line values',
    );
  }
  return { declaration: d.data, commercial: c.data };
}
