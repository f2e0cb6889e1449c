import { canonicalJson } from '@clearance/core';
import { sampleFiling } from '@clearance/testkit/chaincode';
import { emptyForm, formFromFiling, sumMoney, validateForm, type FilingForm } from './form';

const sample = sampleFiling('GD-FORM-1');
const filledForm = (): FilingForm => formFromFiling(sample.declaration, sample.commercial);

describe('the declaration form', () => {
  it('turns a filled form into exactly the filing the gateway accepts', () => {
    const form = filledForm();
    form.salt = sample.commercial.salt;
    const result = validateForm(form);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(canonicalJson(result.filing)).toBe(canonicalJson(sample));
  });

  it('normalises what people type: case, spaces in HS codes, seal lists', () => {
    const form = filledForm();
    form.portOfLoading = 'hkhkg';
    form.items[0]!.hsCode = '8542.31 00';
    form.containers[0]!.sealNumbers = 'EL-000123,  EL-000124';
    const result = validateForm(form);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.filing.declaration.portOfLoading).toBe('HKHKG');
    expect(result.filing.declaration.items[0]?.hsCode).toBe('85423100');
    expect(result.filing.declaration.containers[0]?.sealNumbers).toEqual([
      'EL-000123',
      'EL-000124',
    ]);
  });

  it('puts each error on its field, with the kind of mistake', () => {
    const form = filledForm();
    form.items[1]!.hsCode = '8544';
    form.items[0]!.quantity = 'twelve';
    form.containers[0]!.number = 'CSQU3054384'; // wrong check digit
    form.consignee.name = '  ';
    form.items[1]!.totalValue = '12.345';
    const result = validateForm(form);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors['items.1.hsCode']?.kind).toBe('hsCode');
    expect(result.errors['items.0.quantity']?.kind).toBe('number');
    expect(result.errors['containers.0.number']?.kind).toBe('container');
    expect(result.errors['consignee.name']?.kind).toBe('required');
    expect(result.errors['items.1.totalValue']?.kind).toBe('money');
    expect(Object.keys(result.errors)).toHaveLength(5);
  });

  it('checks across fields once each field reads well, as the schema does', () => {
    const form = filledForm();
    form.portOfDischarge = 'XXSZX';
    form.netWeightKg = '900';
    const result = validateForm(form);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors['portOfDischarge']?.kind).toBe('locode');
    expect(result.errors['netWeightKg']?.kind).toBe('netOverGross');
  });

  it('finds every required field missing on an empty form', () => {
    const result = validateForm(emptyForm('GD'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const field of [
      'declarationId',
      'consignmentRef',
      'declarant.name',
      'consignor.country',
      'items.0.hsCode',
      'items.0.quantity',
      'grossWeightKg',
      'invoiceNumber',
    ]) {
      expect(result.errors[field]?.kind).toBe('required');
    }
  });

  it('totals money in cents, without binary floats', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
    expect(sumMoney(['372000.00', '33788.2'])).toBe('405788.20');
    expect(sumMoney(['1.234'])).toBeUndefined();
  });

  it('starts an amendment without the commercial values, with a fresh salt', () => {
    const form = formFromFiling(sample.declaration);
    expect(form.items[0]?.totalValue).toBe('');
    expect(form.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(form.salt).not.toBe(formFromFiling(sample.declaration).salt);
  });
});
