/**
 * Drafts in localStorage, per signed-in trader and per declaration, so nothing typed is
 * lost to a failed submission, a reload or an expired session.
 */
import type { FilingForm } from './form';

const key = (principalId: string, slot: string) => `portal.draft.${principalId}.${slot}`;

export function loadDraft(principalId: string, slot: string): FilingForm | null {
  const text = localStorage.getItem(key(principalId, slot));
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as FilingForm;
    return typeof parsed === 'object' && parsed !== null && Array.isArray(parsed.items)
      ? parsed
      : null;
  } catch {
    return null;
  }
}

export function saveDraft(principalId: string, slot: string, form: FilingForm): void {
  localStorage.setItem(key(principalId, slot), JSON.stringify(form));
}

export function dropDraft(principalId: string, slot: string): void {
  localStorage.removeItem(key(principalId, slot));
}
