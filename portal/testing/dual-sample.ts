/**
 * The sample dual filing (testkit's) as the dual form holds it: one invoice for the
 * consignment (the form has one), HK valuing freight apart. `submission` and `commercial`
 * are what a correct form signs and sends.
 */
import { JURISDICTIONS } from '@clearance/domain';
import { sampleDualFiling, withHashes } from '@clearance/testkit/chaincode';
import { dualFormFromSubmission, type DualForm } from '../src/filing/dual-form';

export async function sampleDualForm(submissionId: string, receivedIn: 'GD' | 'HK' = 'HK') {
  const filing = await sampleDualFiling(submissionId);
  const commercial = {
    HK: { ...filing.commercial.HK, freight: '120.00' },
    GD: { ...filing.commercial.GD, invoiceNumber: filing.commercial.HK.invoiceNumber },
  };
  const submission = await withHashes(filing.submission, commercial);
  const form: DualForm = dualFormFromSubmission(submission, receivedIn);
  form.invoiceNumber = commercial.HK.invoiceNumber;
  form.items = form.items.map((item, i) => ({
    ...item,
    unitValue: commercial.HK.lines[i]?.unitValue ?? '',
    totalValue: commercial.HK.lines[i]?.totalValue ?? '',
  }));
  for (const side of JURISDICTIONS) {
    const { freight, insurance, salt } = commercial[side];
    form.sides[side] = { ...form.sides[side], freight, insurance, salt };
  }
  return { form, submission, commercial };
}
