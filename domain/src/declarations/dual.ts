/**
 * Single submission, dual declaration (一單兩報): one submission holds a consignment's shared
 * data once and each side's own fields; the trader signs the RFC 8785 JSON of the whole
 * once. From it come the HK declaration and the GD declaration, each recorded and endorsed
 * in its own jurisdiction's namespace (docs/dual-declaration.md).
 *
 * Each side's commercial values are private to that side: the submission carries them as
 * their salted SHA-256 (CommercialSchema's salt), so the signature binds them while the
 * submission itself, recorded on public state, reveals none of them. Pure: no I/O.
 */
import { canonicalJson } from '@clearance/core';
import { z } from 'zod';
import {
  DeclarationSchema,
  ID_PATTERN,
  JURISDICTIONS,
  type Commercial,
  type Declaration,
} from './declaration';
import type { Jurisdiction } from './vocabulary';
import { LedgerError } from '../shared/errors';
import { DUAL_REASONS } from '../shared/refusals';

const fields = DeclarationSchema.shape;

/** What both declarations share: parties, goods, packages, containers and seals, transport, documents. */
export const DualSharedSchema = z
  .object({
    consignmentRef: fields.consignmentRef,
    declarant: fields.declarant,
    consignor: fields.consignor,
    consignee: fields.consignee,
    transport: fields.transport,
    tradeTerms: fields.tradeTerms,
    currency: fields.currency,
    items: fields.items,
    packages: fields.packages,
    grossWeightKg: fields.grossWeightKg,
    netWeightKg: fields.netWeightKg,
    containers: fields.containers,
    documents: fields.documents,
  })
  .strict();

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');

/** One side's own fields: its declaration id, customs office, procedure, ports. */
export const DualSideSchema = z
  .object({
    declarationId: fields.declarationId,
    direction: fields.direction,
    customsOffice: fields.customsOffice,
    portOfLoading: fields.portOfLoading,
    portOfDischarge: fields.portOfDischarge,
    /** SHA-256 of the RFC 8785 JSON of this side's commercial values (salted). */
    commercialSha256: Sha256Hex,
  })
  .strict();

export const DualSubmissionSchema = z
  .object({
    submissionId: z.string().regex(ID_PATTERN, '1-64 characters of A-Z a-z 0-9 . _ -'),
    shared: DualSharedSchema,
    sides: z.object({ GD: DualSideSchema, HK: DualSideSchema }).strict(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.sides.GD.declarationId === s.sides.HK.declarationId)
      ctx.addIssue({
        code: 'custom',
        path: ['sides', 'HK', 'declarationId'],
        message: 'the two declarations need ids of their own',
      });
    if (s.sides.GD.direction === s.sides.HK.direction)
      ctx.addIssue({
        code: 'custom',
        path: ['sides', 'HK', 'direction'],
        message: 'one side exports, the other imports',
      });
  })
  .meta({ id: 'DualSubmission' });
export type DualSubmission = z.infer<typeof DualSubmissionSchema>;
export type DualSide = z.infer<typeof DualSideSchema>;

export const otherSide = (jurisdiction: Jurisdiction): Jurisdiction =>
  jurisdiction === 'GD' ? 'HK' : 'GD';

function describe(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${[prefix, ...i.path].join('.')}: ${i.message}`)
    .join('; ');
}

/** The declaration of `jurisdiction` a submission makes: the shared data and that side's fields. */
export function declarationOf(submission: DualSubmission, jurisdiction: Jurisdiction): Declaration {
  const side = submission.sides[jurisdiction];
  const own = {
    declarationId: side.declarationId,
    direction: side.direction,
    customsOffice: side.customsOffice,
    portOfLoading: side.portOfLoading,
    portOfDischarge: side.portOfDischarge,
  };
  const parsed = DeclarationSchema.safeParse({ ...submission.shared, ...own, jurisdiction });
  if (!parsed.success)
    throw new LedgerError('INVALID_ARGUMENT', describe(parsed.error, `sides.${jurisdiction}`));
  return parsed.data;
}

/** Validates a submission and both declarations made of it. */
export function parseDualSubmission(value: unknown): DualSubmission {
  const parsed = DualSubmissionSchema.safeParse(value);
  if (!parsed.success)
    throw new LedgerError('INVALID_ARGUMENT', describe(parsed.error, 'submission'));
  for (const jurisdiction of JURISDICTIONS) declarationOf(parsed.data, jurisdiction);
  return parsed.data;
}

/** Whether an amendment changes what the `jurisdiction` half declares (its data or its values). */
export function halfChanged(
  before: DualSubmission,
  after: DualSubmission,
  jurisdiction: Jurisdiction,
): boolean {
  return !sameHalf(
    {
      declaration: declarationOf(before, jurisdiction),
      commercialSha256: before.sides[jurisdiction].commercialSha256,
    },
    {
      declaration: declarationOf(after, jurisdiction),
      commercialSha256: after.sides[jurisdiction].commercialSha256,
    },
  );
}

/** Whether two halves declare the same (RFC 8785 JSON: key order does not count). */
export function sameHalf(
  a: { declaration: Declaration; commercialSha256: string },
  b: { declaration: Declaration; commercialSha256: string },
): boolean {
  return (
    canonicalJson(a.declaration) === canonicalJson(b.declaration) &&
    a.commercialSha256 === b.commercialSha256
  );
}

/** What a half of a pair records of the pair it belongs to. */
export const PairLinkSchema = z
  .looseObject({
    submissionId: z.string(),
    /** The submission's version this half was last made from. */
    submissionVersion: z.number(),
    /** The jurisdiction whose namespace holds the submission (where it was received). */
    receivedIn: z.enum(JURISDICTIONS),
    other: z.looseObject({ jurisdiction: z.enum(JURISDICTIONS), declarationId: z.string() }),
  })
  .meta({ id: 'PairLink' });
export type PairLink = z.infer<typeof PairLinkSchema>;

export function pairLink(
  submission: DualSubmission,
  version: number,
  receivedIn: Jurisdiction,
  jurisdiction: Jurisdiction,
): PairLink {
  const other = otherSide(jurisdiction);
  return {
    submissionId: submission.submissionId,
    submissionVersion: version,
    receivedIn,
    other: { jurisdiction: other, declarationId: submission.sides[other].declarationId },
  };
}

/**
 * Whether the authority that issued a signer's certificate is recognised for declarations
 * to `jurisdiction`: the trust list's `recognisedFor` (absent: both, mutual recognition).
 */
export function requireRecognisedFor(
  authority: { authorityId: string; recognisedFor?: readonly Jurisdiction[] | undefined },
  jurisdiction: Jurisdiction,
): void {
  if (authority.recognisedFor && !authority.recognisedFor.includes(jurisdiction))
    throw new LedgerError(
      'CERTIFICATE_REJECTED',
      `the signer's authority ${authority.authorityId} is not recognised for ${jurisdiction} declarations`,
      DUAL_REASONS[`NOT_RECOGNISED_FOR_${jurisdiction}`],
    );
}

/** Checks one side's commercial values against the hash the submission signs. */
export function requireCommercialOf(
  submission: DualSubmission,
  jurisdiction: Jurisdiction,
  commercialSha256: string,
): void {
  if (submission.sides[jurisdiction].commercialSha256 !== commercialSha256)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `commercial values of ${jurisdiction} do not match sides.${jurisdiction}.commercialSha256`,
    );
}

export type DualCommercial = Record<Jurisdiction, Commercial>;
