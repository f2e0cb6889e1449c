/**
 * Which chaincode events mean dual-filing work for a side's node (docs/dual-declaration.md):
 * a submission recorded or amended where it was received (the other side has a half to file
 * or amend), and a half filed by the other side (the receiving side may settle its index
 * entry). Every other event, single filings' included, means nothing to the dual worker.
 */
import {
  DeclarationEventSchema,
  DualSubmissionEventSchema,
  EVENTS,
  otherSide,
  type Jurisdiction,
} from '@clearance/domain';

export function sidesWithDualWork(eventName: string, payload: unknown): Jurisdiction[] {
  if (eventName === EVENTS.DualSubmissionAmended) {
    const parsed = DualSubmissionEventSchema.safeParse(payload);
    return parsed.success ? [otherSide(parsed.data.receivedIn)] : [];
  }
  if (eventName !== EVENTS.DeclarationFiled && eventName !== EVENTS.DeclarationAmended) return [];
  const parsed = DeclarationEventSchema.safeParse(payload);
  const pair = parsed.success ? parsed.data.pair : undefined;
  if (!parsed.success || !pair) return [];
  // Written where it was received (FileDual, AmendDual): the other side's half is pending.
  if (parsed.data.jurisdiction === pair.receivedIn) return [otherSide(pair.receivedIn)];
  // The other side's half (FileHalf): the receiving side's index entry can be settled.
  return [pair.receivedIn];
}
