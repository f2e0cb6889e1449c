/**
 * The dual form (一單兩報): the single form's fields, the consignment's shared data typed
 * once, plus each side's own fields under `sides.HK` / `sides.GD`. Each side's half is the
 * single form of that side (`filingFormOf`), checked by the single form's own validation
 * (the gateway's DeclarationSchema, CommercialSchema, parseFiling); the submission is then
 * checked by the domain's DualSubmissionSchema / parseDualSubmission, as the gateway does.
 *
 * Commercial values: the item values and the invoice are the consignment's (typed once);
 * freight and insurance are each side's (an export is valued at its border, the import at
 * its own), and each side has its own salt, so its signed hash reveals nothing of the
 * other's. The submission signs each side's parsed values as their salted SHA-256.
 */
import { canonicalBytes, toHex } from '@clearance/core';
import {
  DUAL_REASONS,
  DualSharedSchema,
  DualSideSchema,
  DualSubmissionSchema,
  JURISDICTIONS,
  LedgerError,
  declarationOf,
  parseDualSubmission,
  sha256,
  type Commercial,
  type DualSubmission,
  type Filing,
  type Jurisdiction,
} from '@clearance/domain';
import {
  draftFiling,
  emptyForm,
  formFromFiling,
  kindOf,
  newSalt,
  validateForm,
  type FieldErrorKind,
  type FieldErrors,
  type FilingForm,
} from './form';
import { getAt, setAt } from './paths';

/** The single form's fields that belong to one side of a dual filing. */
export const SIDE_FIELDS = [
  'declarationId',
  'direction',
  'customsOffice',
  'portOfLoading',
  'portOfDischarge',
  'freight',
  'insurance',
  'salt',
] as const;
type SideField = (typeof SIDE_FIELDS)[number];
const isSideField = (key: string): key is SideField => SIDE_FIELDS.some((f) => f === key);

export type SideForm = Pick<FilingForm, SideField>;
/** The consignment's data, typed once: the single form's fields without the sides' own. */
export type SharedForm = Omit<FilingForm, SideField | 'jurisdiction'>;

export interface DualForm extends SharedForm {
  submissionId: string;
  /** The side whose customs' gateway receives the submission (and records it). */
  receivedIn: string;
  sides: Record<Jurisdiction, SideForm>;
}

/** The submission and both sides' values, checked: what the trader signs and sends. */
export interface DualBody {
  submission: DualSubmission;
  commercial: Record<Jurisdiction, Commercial>;
}
export type DualResult = { ok: true; body: DualBody } | { ok: false; errors: FieldErrors };

const sideOf = (form: FilingForm): SideForm => ({
  declarationId: form.declarationId,
  direction: form.direction,
  customsOffice: form.customsOffice,
  portOfLoading: form.portOfLoading,
  portOfDischarge: form.portOfDischarge,
  freight: form.freight,
  insurance: form.insurance,
  salt: form.salt,
});

function sharedOf(form: SharedForm): SharedForm {
  return {
    consignmentRef: form.consignmentRef,
    declarant: form.declarant,
    consignor: form.consignor,
    consignee: form.consignee,
    transport: form.transport,
    tradeTerms: form.tradeTerms,
    currency: form.currency,
    items: form.items,
    packages: form.packages,
    grossWeightKg: form.grossWeightKg,
    netWeightKg: form.netWeightKg,
    containers: form.containers,
    documents: form.documents,
    invoiceNumber: form.invoiceNumber,
  };
}

/** A new dual form: HK exports, GD imports (the northbound case), received where the trader is. */
export function emptyDualForm(receivedIn: Jurisdiction = 'HK'): DualForm {
  const hk = emptyForm('HK');
  const gd = emptyForm('GD');
  return {
    submissionId: '',
    receivedIn,
    ...sharedOf(emptyForm(receivedIn)),
    sides: { HK: { ...sideOf(hk), salt: newSalt() }, GD: { ...sideOf(gd), salt: newSalt() } },
  };
}

/** The single form of one side's half: the shared data and that side's own fields. */
export function filingFormOf(form: DualForm, side: Jurisdiction): FilingForm {
  return { ...sharedOf(form), ...form.sides[side], jurisdiction: side };
}

/**
 * The dual form of a recorded submission (an amendment). Traders do not read commercial
 * values back from the ledger: those start empty, each side with a new salt.
 */
export function dualFormFromSubmission(
  submission: DualSubmission,
  receivedIn: Jurisdiction,
): DualForm {
  const half = (side: Jurisdiction) => formFromFiling(declarationOf(submission, side));
  return {
    submissionId: submission.submissionId,
    receivedIn,
    ...sharedOf(half(receivedIn)),
    sides: { HK: sideOf(half('HK')), GD: sideOf(half('GD')) },
  };
}

/** The sides in the order the form shows them (HK's export first, as the goods go north). */
export const SIDE_ORDER = ['HK', 'GD'] as const;

/** The dual form's field of a single-form field of `side`'s half. */
export function dualFieldOf(field: string, side: Jurisdiction): string {
  const [head = ''] = field.split('.');
  return isSideField(head) ? `sides.${side}.${field}` : field;
}

/** The dual form's field of an issue of DualSubmissionSchema ("shared.items.0" → "items.0"). */
function submissionFieldOf(path: readonly PropertyKey[]): string {
  const keys = path.map(String);
  if (keys[0] === 'shared') return keys.slice(1).join('.');
  if (keys[0] === 'sides' && keys[2] === 'commercialSha256') return 'items';
  return keys.join('.');
}

const OPPOSITE: Record<string, string> = { EXPORT: 'IMPORT', IMPORT: 'EXPORT' };

/**
 * Writes `value` at `path`, keeping what goes together in step: one side exports and the
 * other imports; GD's port follows HK's while the two are alike; a side's declaration id that was the
 * submission id and the side (or empty) follows the submission id.
 */
export function setDual(form: DualForm, path: string, value: unknown): DualForm {
  let next = setAt(form, path, value);
  const [first, side, field] = path.split('.');
  if (first === 'sides' && (side === 'HK' || side === 'GD') && typeof value === 'string') {
    const other = side === 'HK' ? 'GD' : 'HK';
    const otherPath = `sides.${other}.${field}`;
    if (field === 'direction' && OPPOSITE[value]) next = setAt(next, otherPath, OPPOSITE[value]);
    // The form shows HK first: GD's ports follow HK's while alike (a port GD typed stays).
    if (
      side === 'HK' &&
      (field === 'portOfLoading' || field === 'portOfDischarge') &&
      getAt(form, otherPath) === getAt(form, path)
    )
      next = setAt(next, otherPath, value);
  }
  if (path === 'submissionId' && typeof value === 'string')
    for (const j of JURISDICTIONS) {
      const id = form.sides[j].declarationId;
      if (id === '' || id === `${form.submissionId}-${j}`)
        next = setAt(next, `sides.${j}.declarationId`, value === '' ? '' : `${value}-${j}`);
    }
  return next;
}

/** The keys of the submission's shared part and of a side's (but its hash), from the schemas. */
const SHARED_KEYS = Object.keys(DualSharedSchema.shape);
const SUBMISSION_SIDE_KEYS = Object.keys(DualSideSchema.shape).filter(
  (k) => k !== 'commercialSha256',
);

/** The entries of `from` under `keys` that are there (a draft leaves blanks out). */
function pick(from: unknown, keys: readonly string[]): Record<string, unknown> {
  const entries = keys.map((k) => [k, getAt(from, k)] as const);
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

async function commercialSha256(commercial: Commercial): Promise<string> {
  return toHex(await sha256(canonicalBytes(commercial)));
}

/** Kinds of mistake only a submission has (its own id, the two sides against each other). */
function submissionKind(
  field: string,
  issue: Parameters<typeof kindOf>[1],
  form: DualForm,
): FieldErrorKind {
  if (issue.code === 'custom' && /^sides\.\w+\.declarationId$/.test(field)) return 'distinctIds';
  if (issue.code === 'custom' && /^sides\.\w+\.direction$/.test(field)) return 'oppositeDirections';
  const own = field === 'submissionId' ? 'declarationId' : field.replace(/^sides\.\w+\./, '');
  return kindOf(own, issue, getAt(form, field));
}

/**
 * Checks the form as the gateway will: each half with the single filing's rules, then the
 * submission with the domain's dual rules. On success the submission to sign (as parsed:
 * the bytes the gateway and the chaincode verify) and each side's values.
 */
export async function validateDualForm(form: DualForm): Promise<DualResult> {
  const errors: FieldErrors = {};
  const filings: Partial<Record<Jurisdiction, Filing>> = {};
  for (const side of JURISDICTIONS) {
    const checked = validateForm(filingFormOf(form, side));
    if (checked.ok) filings[side] = checked.filing;
    else
      for (const [field, error] of Object.entries(checked.errors))
        errors[dualFieldOf(field, side)] ??= error;
  }
  if (!JURISDICTIONS.some((j) => j === form.receivedIn))
    errors.receivedIn = { kind: 'required', detail: 'GD or HK' };

  // The submission as typed; a side whose values do not check yet gets a stand-in hash.
  const sideOfSubmission = async (side: Jurisdiction) => {
    const values = filings[side]?.commercial;
    return {
      ...pick(draftFiling(filingFormOf(form, side)).declaration, SUBMISSION_SIDE_KEYS),
      commercialSha256: values ? await commercialSha256(values) : '0'.repeat(64),
    };
  };
  const draft = {
    submissionId: form.submissionId.trim(),
    shared: pick(draftFiling(filingFormOf(form, 'HK')).declaration, SHARED_KEYS),
    sides: { HK: await sideOfSubmission('HK'), GD: await sideOfSubmission('GD') },
  };
  const parsed = DualSubmissionSchema.safeParse(draft);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = submissionFieldOf(issue.path);
      errors[field] ??= { kind: submissionKind(field, issue, form), detail: issue.message };
    }
  const { HK, GD } = filings;
  if (Object.keys(errors).length > 0 || !HK || !GD) return { ok: false, errors };
  try {
    const submission = parseDualSubmission(draft);
    return { ok: true, body: { submission, commercial: { HK: HK.commercial, GD: GD.commercial } } };
  } catch (error) {
    if (error instanceof LedgerError)
      return { ok: false, errors: { submissionId: { kind: 'invalid', detail: error.detail } } };
    throw error;
  }
}

/** A dual draft this portal saved: item lines and both sides (older shapes are dropped). */
export function isDualDraft(value: unknown): value is DualForm {
  const isObject = (v: unknown) => typeof v === 'object' && v !== null;
  return (
    Array.isArray(getAt(value, 'items')) &&
    JURISDICTIONS.every((side) => isObject(getAt(value, `sides.${side}`)))
  );
}

/** The side a coded refusal names (a signer not recognised for it), if it names one. */
export function sideOfRefusal(reason: string | undefined): Jurisdiction | undefined {
  if (reason === DUAL_REASONS.NOT_RECOGNISED_FOR_HK) return 'HK';
  if (reason === DUAL_REASONS.NOT_RECOGNISED_FOR_GD) return 'GD';
  return undefined;
}
