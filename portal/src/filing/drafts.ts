/**
 * Drafts in localStorage, per signed-in trader and per declaration, so nothing typed is
 * lost to a failed submission, a reload or an expired session.
 */
import type { FilingForm } from './form';

const key = (principalId: string, slot: string) => `portal.draft.${principalId}.${slot}`;

/** A draft this portal saved: an object with its item lines (older shapes are dropped). */
function isDraft(value: unknown): value is FilingForm {
  return (
    typeof value === 'object' && value !== null && 'items' in value && Array.isArray(value.items)
  );
}

export function loadDraft(principalId: string, slot: string): FilingForm | null {
  return loadDraftOf(principalId, slot, isDraft);
}

/** A draft of another form (the dual form), if `isDraft` recognises what is stored. */
export function loadDraftOf<T>(
  principalId: string,
  slot: string,
  isDraft: (value: unknown) => value is T,
): T | null {
  const text = localStorage.getItem(key(principalId, slot));
  if (!text) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return isDraft(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveDraft(principalId: string, slot: string, form: object): void {
  localStorage.setItem(key(principalId, slot), JSON.stringify(form));
}

export function dropDraft(principalId: string, slot: string): void {
  localStorage.removeItem(key(principalId, slot));
}
