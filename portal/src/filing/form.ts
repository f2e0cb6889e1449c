/**
 * The declaration form: what the trader types (strings, as inputs hold them) and the filing
 * it becomes, checked with the very schemas the gateway and the chaincode use. Each item
 * row carries its commercial values, so the valued lines always match the items.
 */
import { toHex } from '@clearance/core';
import {
  CommercialSchema,
  DeclarationSchema,
  LedgerError,
  parseFiling,
  type Declaration,
  type Filing,
  type Jurisdiction,
} from '@clearance/domain';
import { getAt } from './paths';
import type { z } from 'zod';

export interface PartyForm {
  name: string;
  identifier: string;
  address: string;
  country: string;
}

export interface ItemForm {
  hsCode: string;
  description: string;
  quantity: string;
  unit: string;
  origin: string;
  unitValue: string;
  totalValue: string;
}

export interface ContainerForm {
  number: string;
  /** Seal numbers separated by commas or spaces. */
  sealNumbers: string;
}

export interface FilingForm {
  declarationId: string;
  direction: string;
  jurisdiction: string;
  consignmentRef: string;
  declarant: PartyForm;
  consignor: PartyForm;
  consignee: PartyForm;
  customsOffice: string;
  portOfLoading: string;
  portOfDischarge: string;
  transport: { mode: string; conveyance: string; tripId: string; billOfLading: string };
  tradeTerms: string;
  currency: string;
  items: ItemForm[];
  packages: { count: string; kind: string };
  grossWeightKg: string;
  netWeightKg: string;
  containers: ContainerForm[];
  documents: { type: string; reference: string }[];
  invoiceNumber: string;
  freight: string;
  insurance: string;
  /** Random per filing, so the on-chain hash of the commercial values cannot be guessed. */
  salt: string;
}

/** Why a field is wrong, as a message key the UI translates, plus the schema's own words. */
export interface FieldError {
  kind: FieldErrorKind;
  detail: string;
}
export type FieldErrorKind =
  | 'required'
  | 'number'
  | 'hsCode'
  | 'container'
  | 'locode'
  | 'country'
  | 'currency'
  | 'unit'
  | 'packageKind'
  | 'money'
  | 'identifier'
  | 'consignmentRef'
  | 'customsOffice'
  | 'netOverGross'
  | 'duplicateLines'
  | 'tooLong'
  | 'distinctIds'
  | 'oppositeDirections'
  | 'wrongGateway'
  | 'invalid';
export type FieldErrors = Record<string, FieldError>;

export type FormResult = { ok: true; filing: Filing } | { ok: false; errors: FieldErrors };

export function newSalt(): string {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

const emptyParty = (country = ''): PartyForm => ({
  name: '',
  identifier: '',
  address: '',
  country,
});
export const emptyItem = (): ItemForm => ({
  hsCode: '',
  description: '',
  quantity: '',
  unit: 'KGM',
  origin: '',
  unitValue: '',
  totalValue: '',
});
export const emptyContainer = (): ContainerForm => ({ number: '', sealNumbers: '' });

export function emptyForm(jurisdiction: Jurisdiction = 'GD'): FilingForm {
  return {
    declarationId: '',
    direction: jurisdiction === 'GD' ? 'IMPORT' : 'EXPORT',
    jurisdiction,
    consignmentRef: '',
    declarant: emptyParty(jurisdiction === 'GD' ? 'CN' : 'HK'),
    consignor: emptyParty(),
    consignee: emptyParty(),
    customsOffice: '',
    portOfLoading: '',
    portOfDischarge: '',
    transport: { mode: 'ROAD', conveyance: '', tripId: '', billOfLading: '' },
    tradeTerms: 'FCA',
    currency: 'HKD',
    items: [emptyItem()],
    packages: { count: '', kind: 'CT' },
    grossWeightKg: '',
    netWeightKg: '',
    containers: [],
    documents: [],
    invoiceNumber: '',
    freight: '0.00',
    insurance: '0.00',
    salt: newSalt(),
  };
}

const str = (v: string | number | undefined): string => (v === undefined ? '' : String(v));
const partyForm = (p: Declaration['declarant']): PartyForm => ({
  name: p.name,
  identifier: str(p.identifier),
  address: str(p.address),
  country: p.country,
});

/**
 * The form for an existing filing (an amendment). Without the commercial values (traders
 * do not read them back from the ledger) those fields start empty, with a new salt.
 */
export function formFromFiling(
  declaration: Declaration,
  commercial?: Filing['commercial'],
): FilingForm {
  const line = (lineNo: number) => commercial?.lines.find((l) => l.lineNo === lineNo);
  return {
    declarationId: declaration.declarationId,
    direction: declaration.direction,
    jurisdiction: declaration.jurisdiction,
    consignmentRef: declaration.consignmentRef,
    declarant: partyForm(declaration.declarant),
    consignor: partyForm(declaration.consignor),
    consignee: partyForm(declaration.consignee),
    customsOffice: declaration.customsOffice,
    portOfLoading: declaration.portOfLoading,
    portOfDischarge: declaration.portOfDischarge,
    transport: {
      mode: declaration.transport.mode,
      conveyance: declaration.transport.conveyance,
      tripId: declaration.transport.tripId,
      billOfLading: str(declaration.transport.billOfLading),
    },
    tradeTerms: declaration.tradeTerms,
    currency: declaration.currency,
    items: [...declaration.items]
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((i) => ({
        hsCode: i.hsCode,
        description: i.description,
        quantity: str(i.quantity),
        unit: i.unit,
        origin: i.origin,
        unitValue: str(line(i.lineNo)?.unitValue),
        totalValue: str(line(i.lineNo)?.totalValue),
      })),
    packages: { count: str(declaration.packages.count), kind: declaration.packages.kind },
    grossWeightKg: str(declaration.grossWeightKg),
    netWeightKg: str(declaration.netWeightKg),
    containers: declaration.containers.map((c) => ({
      number: c.number,
      sealNumbers: c.sealNumbers.join(', '),
    })),
    documents: declaration.documents.map((d) => ({ ...d })),
    invoiceNumber: str(commercial?.invoiceNumber),
    freight: str(commercial?.freight ?? '0.00'),
    insurance: str(commercial?.insurance ?? '0.00'),
    salt: newSalt(),
  };
}

/** A number as typed: empty is missing, anything else must read as a finite number. */
function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : NaN;
}
const optional = (text: string): string | undefined => (text.trim() === '' ? undefined : text);
const party = (p: PartyForm) => ({
  name: p.name,
  identifier: optional(p.identifier),
  address: optional(p.address),
  country: p.country.trim().toUpperCase(),
});

/** Sum of money strings in cents (no binary floats), back as a 2-decimal string. */
export function sumMoney(values: readonly string[]): string | undefined {
  let cents = 0n;
  for (const v of values) {
    const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(v.trim());
    if (!m) return undefined;
    const [, whole = '0', fraction = ''] = m;
    cents += BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  }
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, '0');
  return `${whole}.${fraction}`;
}

/** The unvalidated filing the form describes (numbers parsed, blanks left out). */
export function draftFiling(form: FilingForm): { declaration: unknown; commercial: unknown } {
  const declaration = {
    declarationId: form.declarationId.trim(),
    direction: form.direction,
    jurisdiction: form.jurisdiction,
    consignmentRef: form.consignmentRef.trim().toUpperCase(),
    declarant: party(form.declarant),
    consignor: party(form.consignor),
    consignee: party(form.consignee),
    customsOffice: form.customsOffice.trim().toUpperCase(),
    portOfLoading: form.portOfLoading.trim().toUpperCase(),
    portOfDischarge: form.portOfDischarge.trim().toUpperCase(),
    transport: {
      mode: form.transport.mode,
      conveyance: form.transport.conveyance,
      tripId: form.transport.tripId,
      billOfLading: optional(form.transport.billOfLading),
    },
    tradeTerms: form.tradeTerms,
    currency: form.currency.trim().toUpperCase(),
    items: form.items.map((item, i) => ({
      lineNo: i + 1,
      hsCode: item.hsCode.replace(/[\s.]/g, ''),
      description: item.description,
      quantity: numberOf(item.quantity),
      unit: item.unit,
      origin: item.origin.trim().toUpperCase(),
    })),
    packages: { count: numberOf(form.packages.count), kind: form.packages.kind },
    grossWeightKg: numberOf(form.grossWeightKg),
    netWeightKg: numberOf(form.netWeightKg),
    containers: form.containers.map((c) => ({
      number: c.number.trim().toUpperCase(),
      sealNumbers: c.sealNumbers.split(/[\s,]+/).filter((s) => s !== ''),
    })),
    documents: form.documents.map((d) => ({ type: d.type, reference: d.reference })),
  };
  const lines = form.items.map((item, i) => ({
    lineNo: i + 1,
    unitValue: item.unitValue.trim(),
    totalValue: item.totalValue.trim(),
  }));
  const commercial = {
    salt: form.salt,
    invoiceNumber: form.invoiceNumber,
    freight: form.freight.trim(),
    insurance: form.insurance.trim(),
    lines,
    totalValue: sumMoney(lines.map((l) => l.totalValue)) ?? '',
  };
  return { declaration: stripUndefined(declaration), commercial };
}

/** Drops the fields left undefined, at every depth (the JSON the signature covers has none). */
function stripUndefined(value: object): Record<string, unknown> {
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, plain(v)]);
  return Object.fromEntries(entries);
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return stripUndefined(value);
  return value;
}

/** The form field an issue of the declaration or commercial schema belongs to. */
export function fieldOf(part: 'declaration' | 'commercial', path: readonly PropertyKey[]): string {
  const keys = path.map(String);
  if (part === 'declaration') {
    // A seal number belongs to its container's one seal-numbers input.
    if (keys[0] === 'containers' && keys[2] === 'sealNumbers') return keys.slice(0, 3).join('.');
    return keys.join('.');
  }
  if (keys[0] === 'lines') return ['items', ...keys.slice(1)].join('.');
  if (keys[0] === 'totalValue' || keys[0] === 'salt') return 'items';
  return keys.join('.');
}

const KIND_BY_FIELD: [RegExp, FieldErrorKind][] = [
  [/hsCode$/, 'hsCode'],
  [/^containers\.\d+\.number$/, 'container'],
  [/^portOf/, 'locode'],
  [/country$|origin$/, 'country'],
  [/^currency$/, 'currency'],
  [/unit$/, 'unit'],
  [/^packages\.kind$/, 'packageKind'],
  [/Value$|^freight$|^insurance$/, 'money'],
  [/^declarationId$/, 'identifier'],
  [/^consignmentRef$/, 'consignmentRef'],
  [/^customsOffice$/, 'customsOffice'],
];

type Issue = z.core.$ZodIssue;

/** The kind of mistake an issue of the schemas is, on the form field it belongs to. */
export function kindOf(field: string, issue: Issue, value: unknown): FieldErrorKind {
  if (field === 'netWeightKg' && issue.code === 'custom') return 'netOverGross';
  if (field === 'items' && issue.code === 'custom') return 'duplicateLines';
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return 'required';
  const tooLong = issue.code === 'too_big' && issue.origin === 'string';
  const expected = issue.code === 'invalid_type' ? issue.expected : undefined;
  if (expected === 'number' || (typeof value === 'number' && issue.code !== 'custom'))
    return tooLong ? 'tooLong' : 'number';
  if (tooLong) return 'tooLong';
  return KIND_BY_FIELD.find(([pattern]) => pattern.test(field))?.[1] ?? 'invalid';
}

/** Checks the form as the gateway will; on success the filing to sign. */
export function validateForm(form: FilingForm): FormResult {
  const draft = draftFiling(form);
  const errors: FieldErrors = {};
  const collect = (part: 'declaration' | 'commercial', issues: readonly Issue[]) => {
    for (const issue of issues) {
      const field = fieldOf(part, issue.path);
      if (errors[field]) continue;
      errors[field] = {
        kind: kindOf(field, issue, getAt(draft[part], issue.path.map(String).join('.'))),
        detail: issue.message,
      };
    }
  };
  const d = DeclarationSchema.safeParse(draft.declaration);
  if (!d.success) collect('declaration', d.error.issues);
  const c = CommercialSchema.safeParse(draft.commercial);
  if (!c.success) collect('commercial', c.error.issues);
  // The total is computed from the lines: a wrong line already says why it is missing.
  if (Object.keys(errors).some((f) => /^items\.\d+\.(unit|total)Value$/.test(f)))
    delete errors.items;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  try {
    // The cross-checks (valued lines, the total) run exactly as on the ledger.
    return { ok: true, filing: parseFiling(draft.declaration, draft.commercial) };
  } catch (error) {
    if (error instanceof LedgerError)
      return { ok: false, errors: { items: { kind: 'invalid', detail: error.detail } } };
    throw error;
  }
}
