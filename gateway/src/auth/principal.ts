/** Who is asking: an officer under an enrolled Fabric identity, or a trader by certificate. */
import { z } from 'zod';

export const OfficerPrincipal = z
  .object({
    kind: z.literal('officer'),
    /** The account: `<organisation>/<username>`. */
    id: z.string(),
    organisation: z.string(),
    mspId: z.string(),
    name: z.string(),
    role: z.string(),
    /** A lane device's control point: the one lane it decides, taps and reads at. */
    controlPoint: z.string().optional(),
  })
  .meta({ id: 'OfficerPrincipal' });

export const TraderPrincipal = z
  .object({
    kind: z.literal('trader'),
    /**
     * The signer id (esign/signer-id.ts): the validating authority's id and key and the
     * certificate's DER names, hashed. Kept across renewals by the same CA and authority;
     * no other authority, and no name spelt alike, reproduces it.
     */
    id: z.string(),
    subject: z.string(),
    issuer: z.string(),
    jurisdiction: z.enum(['GD', 'HK']),
    authorityId: z.string(),
  })
  .meta({ id: 'TraderPrincipal' });

export const Principal = z
  .discriminatedUnion('kind', [OfficerPrincipal, TraderPrincipal])
  .meta({ id: 'Principal' });
export type Principal = z.infer<typeof Principal>;
export type OfficerPrincipal = z.infer<typeof OfficerPrincipal>;
export type TraderPrincipal = z.infer<typeof TraderPrincipal>;
