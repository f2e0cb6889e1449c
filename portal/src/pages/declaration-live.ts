/**
 * What a live ledger event means for the page of one declaration: whether to reload it, and
 * what to tell screen readers. Crossing events name every declaration the crossing checked
 * (declarationIds): only those of this declaration reload its page.
 */
import type { LedgerEvent } from '../api/types';
import type { MessageKey } from '../i18n/messages';

export interface DeclarationChange {
  reload: boolean;
  say?: { key: MessageKey; urgency: 'polite' | 'assertive' };
}

const NONE: DeclarationChange = { reload: false };

export function declarationChange(id: string, name: string, event: LedgerEvent): DeclarationChange {
  const held = event.heldDeclarations?.includes(id) === true;
  const unheld = event.unheldDeclarations?.includes(id) === true;
  if (name.startsWith('Crossing')) {
    if (!event.declarationIds?.includes(id) && !held && !unheld) return NONE;
    if (held) return { reload: true, say: { key: 'live.inspectionHeld', urgency: 'assertive' } };
    if (unheld) return { reload: true, say: { key: 'live.inspectionCleared', urgency: 'polite' } };
    return { reload: true };
  }
  if (event.declarationId !== id && !held) return NONE;
  if (held) return { reload: true, say: { key: 'live.sealHeld', urgency: 'assertive' } };
  if (event.state)
    return { reload: true, say: { key: 'live.declarationChanged', urgency: 'polite' } };
  return { reload: true };
}
