/**
 * Sharing a declaration's commercial values across the border. They stay in their own
 * jurisdiction's collection (commercialValuesGD / commercialValuesHK); the owning side's
 * customs officer may share one version's with the other side's customs service by an act
 * recorded on the ledger: who, when, which version (and the SHA-256 of the values shared),
 * to whom and why. The values go into the owning namespace's shared collection, of which
 * the other side's customs service is a member; the other side reads them there.
 */
import { z } from 'zod';
import policy from '../shared/access-policy.json';
import { LedgerError } from '../shared/errors';
import { ID_PATTERN, JURISDICTIONS } from './declaration';
import { ActorSchema, type Actor, type Jurisdiction } from './vocabulary';

type Grant = readonly [string, string];
const GrantList = z.array(z.tuple([z.string(), z.string()]));
// Who may share each jurisdiction's values: read once, checked.
const SHARE_GRANTS: Readonly<Record<Jurisdiction, readonly Grant[]>> = z
  .looseObject({ GD: GrantList, HK: GrantList })
  .parse(policy.shareCommercial);

export const SHARE_REASON_MAX = 512;

/** What the sharing officer sends: to whom, and why. */
export const CommercialShareInputSchema = z
  .object({
    to: z.enum(JURISDICTIONS),
    reason: z.string().trim().min(1).max(SHARE_REASON_MAX),
  })
  .strict();
export type CommercialShareInput = z.infer<typeof CommercialShareInputSchema>;

/** The act as the ledger records it (public: it names no value, only their hash). */
export const CommercialShareRecordSchema = z
  .object({
    declarationId: z.string().regex(ID_PATTERN),
    version: z.number().int().min(1),
    from: z.enum(JURISDICTIONS),
    to: z.enum(JURISDICTIONS),
    reason: z.string(),
    valuesSha256: z.string().regex(/^[0-9a-f]{64}$/),
    sharedBy: ActorSchema,
    at: z.string(),
    txId: z.string(),
  })
  .meta({ id: 'CommercialShare' });
export type CommercialShareRecord = z.infer<typeof CommercialShareRecordSchema>;

/** Whether `actor` may share the values of a `from` declaration (the allow table). */
export function mayShareCommercial(actor: Actor, from: Jurisdiction): boolean {
  return SHARE_GRANTS[from].some(([msp, role]) => msp === actor.mspId && role === actor.role);
}

/**
 * The owning side's officers named in the allow table share, with the other side only:
 * FORBIDDEN for anyone else, INVALID_ARGUMENT for sharing with one's own side.
 */
export function requireShareAllowed(actor: Actor, from: Jurisdiction, to: Jurisdiction): void {
  if (!mayShareCommercial(actor, from))
    throw new LedgerError(
      'FORBIDDEN',
      `${actor.mspId} with role ${actor.role ?? '(none)'} may not share the commercial values of a ${from} declaration`,
    );
  if (to === from)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `the values of a ${from} declaration are already ${from}'s: share them with the other side`,
    );
}
