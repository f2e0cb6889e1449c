import { canonicalBytes, canonicalJson, toHex } from '@clearance/core';
import {
  JURISDICTIONS,
  declarationOf,
  halfChanged,
  parseDualSubmission,
  parseFiling,
  requireCommercialOf,
  sha256,
} from '@clearance/domain';
import { sampleDualForm } from '../../testing/dual-sample';
import {
  emptyDualForm,
  filingFormOf,
  isDualDraft,
  setDual,
  sideOfRefusal,
  validateDualForm,
  type DualForm,
} from './dual-form';
import { emptyForm } from './form';

const sample = () => sampleDualForm('DUAL-FORM-1');

async function valid(form: DualForm) {
  const result = await validateDualForm(form);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.body;
}

describe('the dual form', () => {
  it('turns a filled form into exactly the submission and values the gateway accepts', async () => {
    const { form, submission, commercial } = await sample();
    const body = await valid(form);
    expect(canonicalJson(body.submission)).toBe(canonicalJson(submission));
    expect(canonicalJson(body.commercial)).toBe(canonicalJson(commercial));
    // The gateway's own checks, in its order: the submission, each half with its values.
    const parsed = parseDualSubmission(body.submission);
    for (const side of JURISDICTIONS) {
      const filing = parseFiling(declarationOf(parsed, side), body.commercial[side]);
      const hash = toHex(await sha256(canonicalBytes(filing.commercial)));
      expect(() => requireCommercialOf(parsed, side, hash)).not.toThrow();
    }
  });

  it('signs what the gateway parses: typed spaces and case are gone before signing', async () => {
    const { form, submission } = await sample();
    form.consignee.name = `  ${form.consignee.name} `;
    form.sides.GD.portOfLoading = form.sides.GD.portOfLoading.toLowerCase();
    form.items[0]!.hsCode = `${form.items[0]!.hsCode.slice(0, 4)}.${form.items[0]!.hsCode.slice(4)}`;
    const body = await valid(form);
    expect(canonicalJson(body.submission)).toBe(canonicalJson(submission));
    expect(canonicalJson(parseDualSubmission(body.submission))).toBe(
      canonicalJson(body.submission),
    );
  });

  it('puts a side field error on that side, and a shared one once on the shared field', async () => {
    const { form } = await sample();
    form.sides.HK.customsOffice = 'lmc!';
    form.sides.GD.freight = '1.234';
    form.sides.GD.portOfDischarge = 'XXABC';
    form.items[0]!.hsCode = '8544';
    const result = await validateDualForm(form);
    if (result.ok) throw new Error('accepted');
    expect(result.errors['sides.HK.customsOffice']?.kind).toBe('customsOffice');
    expect(result.errors['sides.GD.freight']?.kind).toBe('money');
    expect(result.errors['sides.GD.portOfDischarge']?.kind).toBe('locode');
    expect(result.errors['items.0.hsCode']?.kind).toBe('hsCode');
    expect(Object.keys(result.errors).sort()).toEqual([
      'items.0.hsCode',
      'sides.GD.freight',
      'sides.GD.portOfDischarge',
      'sides.HK.customsOffice',
    ]);
  });

  it('checks the submission as a whole: its id, distinct ids, one side exports', async () => {
    const { form } = await sample();
    form.submissionId = '';
    form.sides.GD.declarationId = form.sides.HK.declarationId;
    form.sides.GD.direction = form.sides.HK.direction;
    const result = await validateDualForm(form);
    if (result.ok) throw new Error('accepted');
    expect(result.errors).toMatchObject({
      submissionId: { kind: 'required' },
      'sides.HK.declarationId': { kind: 'distinctIds' },
      'sides.HK.direction': { kind: 'oppositeDirections' },
    });
    form.submissionId = 'not an id';
    const again = await validateDualForm(form);
    expect(again.ok ? null : again.errors.submissionId?.kind).toBe('identifier');
  });

  it('refuses a form without a side to submit to', async () => {
    const { form } = await sample();
    form.receivedIn = 'MO';
    const result = await validateDualForm(form);
    expect(result.ok ? null : result.errors.receivedIn?.kind).toBe('required');
  });

  it('an empty form lists what is required, each on its field', async () => {
    const result = await validateDualForm(emptyDualForm('HK'));
    if (result.ok) throw new Error('accepted');
    expect(result.errors).toMatchObject({
      submissionId: { kind: 'required' },
      consignmentRef: { kind: 'required' },
      'declarant.name': { kind: 'required' },
      'sides.HK.declarationId': { kind: 'required' },
      'sides.GD.customsOffice': { kind: 'required' },
    });
  });

  it('amends one half only when one side changes its own values; shared data changes both', async () => {
    const { form, submission } = await sample();
    const gdOnly = await valid(setDual(form, 'sides.GD.freight', '99.00'));
    expect(halfChanged(submission, gdOnly.submission, 'GD')).toBe(true);
    expect(halfChanged(submission, gdOnly.submission, 'HK')).toBe(false);
    const shared = await valid(setDual(form, 'packages.count', '99'));
    expect(halfChanged(submission, shared.submission, 'GD')).toBe(true);
    expect(halfChanged(submission, shared.submission, 'HK')).toBe(true);
  });

  it('keeps what goes together in step as the trader types', () => {
    let form = emptyDualForm('HK');
    expect([form.sides.HK.direction, form.sides.GD.direction]).toEqual(['EXPORT', 'IMPORT']);
    form = setDual(form, 'sides.GD.direction', 'EXPORT');
    expect(form.sides.HK.direction).toBe('IMPORT');

    form = setDual(form, 'sides.HK.portOfLoading', 'HKHKG');
    expect(form.sides.GD.portOfLoading).toBe('HKHKG');
    for (const typed of ['C', 'CN', 'CNS', 'CNSZ', 'CNSZX'])
      // key by key
      form = setDual(form, 'sides.HK.portOfDischarge', typed);
    expect(form.sides.GD.portOfDischarge).toBe('CNSZX');
    form = setDual(form, 'sides.GD.portOfLoading', 'HKTKO'); // GD's own port...
    expect(form.sides.HK.portOfLoading).toBe('HKHKG');
    form = setDual(form, 'sides.HK.portOfLoading', 'HKKWN'); // ...no longer follows HK's
    expect(form.sides.GD.portOfLoading).toBe('HKTKO');

    form = setDual(form, 'submissionId', 'D1');
    expect([form.sides.HK.declarationId, form.sides.GD.declarationId]).toEqual(['D1-HK', 'D1-GD']);
    form = setDual(form, 'sides.GD.declarationId', 'MY-OWN');
    form = setDual(form, 'submissionId', 'D2');
    expect([form.sides.HK.declarationId, form.sides.GD.declarationId]).toEqual(['D2-HK', 'MY-OWN']);
  });

  it('gives each side its own salt, so one side’s hash says nothing of the other’s values', () => {
    const form = emptyDualForm('GD');
    expect(form.sides.HK.salt).not.toBe(form.sides.GD.salt);
    expect(filingFormOf(form, 'GD')).toMatchObject({
      jurisdiction: 'GD',
      salt: form.sides.GD.salt,
    });
  });

  it('recognises its own drafts, not the single form’s, and the side a refusal names', () => {
    expect(isDualDraft(JSON.parse(JSON.stringify(emptyDualForm())))).toBe(true);
    expect(isDualDraft(emptyForm('GD'))).toBe(false);
    expect(isDualDraft(null)).toBe(false);
    expect(sideOfRefusal('NOT_RECOGNISED_FOR_HK')).toBe('HK');
    expect(sideOfRefusal('NOT_RECOGNISED_FOR_GD')).toBe('GD');
    expect(sideOfRefusal('EXPIRED')).toBeUndefined();
    expect(sideOfRefusal(undefined)).toBeUndefined();
  });
});
