/**
 * What the contracts return, as zod schemas: the gateway parses every ledger result with
 * them (no casts of JSON.parse) and derives its response schemas and OpenAPI from them.
 * Loose objects: a newer chaincode may add fields without breaking older gateways.
 */
import { z } from 'zod';
import { DeclarationSchema, JURISDICTIONS } from './declaration';
import { DualSubmissionSchema, PairLinkSchema } from './dual';
import { PROPOSAL_STATUSES, TrustChangeSchema } from '../trust-list/trust-proposals';
import {
  ACTIONS,
  ActorSchema,
  CHANGE_PATHS,
  FINDINGS_MAX,
  INSPECTION_RESULTS,
  OFFICER_ACTIONS,
  REASON_MAX,
  RISK_LEVELS,
  RISK_SCORE,
  STATES,
  type OfficerAction,
} from './vocabulary';

/** Who did an act, when, in which transaction and why (declaration and seal acts alike). */
export const ActFieldsSchema = z.object({
  actor: ActorSchema,
  reason: z.string(),
  at: z.string(),
  txId: z.string(),
});
export const ActRecordSchema = z.looseObject({
  action: z.enum(ACTIONS),
  ...ActFieldsSchema.shape,
});

/** What a trader declared, as filed (the filing's schema, named for the OpenAPI document). */
export const DeclarationDocumentSchema = DeclarationSchema.meta({ id: 'Declaration' });

export const SignatureEvidenceSchema = z.looseObject({
  /**
   * Who signed: the validating authority (id, key) and the signer's DER names, hashed
   * (esign/signer-id.ts); absent on records from before it. Owners are compared by it.
   */
  signerId: z.string().optional(),
  signerSubject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  jurisdiction: z.enum(JURISDICTIONS),
  authorityId: z.string(),
  policyOid: z.string(),
  certificateSha256: z.string(),
  contentSha256: z.string(),
  signingTime: z.string().optional(),
  /** sha256WithRSAEncryption, ecdsa-with-SHA256 or SM3withSM2 (absent on older records). */
  signatureAlgorithm: z.string().optional(),
  /** Subjects from the signer up to the listed authority (absent on older records). */
  certificationPath: z.array(z.string()).optional(),
});

/** One act that holds a declaration (lifecycle.ts, holdCausesOf). */
export const HoldCauseSchema = ActRecordSchema.extend({
  /** How it was held (absent for a record's hold from before causes were kept). */
  path: z.enum(CHANGE_PATHS).optional(),
  /** SEAL_ALARM: the seal whose alarm, recorded in transaction `txId`, holds it. */
  sealId: z.string().optional(),
  /** CROSSING_OUTCOME: the crossing whose inspection held it. */
  crossingId: z.string().optional(),
}).meta({ id: 'HoldCause' });

export const SignOffSchema = ActRecordSchema.extend({
  result: z.enum(INSPECTION_RESULTS).optional(),
  findings: z.string().optional(),
});

export const DeclarationRecordSchema = z
  .looseObject({
    declarationId: z.string(),
    version: z.number(),
    state: z.enum(STATES),
    hold: ActRecordSchema.nullable(),
    /** Every act that holds it now, the first being `hold` (absent on older records). */
    holdCauses: z.array(HoldCauseSchema).optional(),
    jurisdiction: z.enum(JURISDICTIONS),
    consignmentRef: z.string(),
    declaration: DeclarationDocumentSchema,
    commercialSha256: z.string(),
    signature: SignatureEvidenceSchema,
    risk: z.object({ level: z.enum(RISK_LEVELS), score: z.number() }).nullable(),
    /** Inspection sign-offs by MSP; inspected when every joint agency has signed. */
    inspection: z.record(z.string(), SignOffSchema),
    /** Releases by MSP; released when every joint agency has released. */
    releases: z.record(z.string(), ActRecordSchema),
    lastAct: ActRecordSchema,
    /** A half of a dual declaration: its submission and the other half (absent otherwise). */
    pair: PairLinkSchema.optional(),
  })
  .meta({ id: 'DeclarationRecord' });
export type DeclarationResult = z.infer<typeof DeclarationRecordSchema>;

/**
 * A dual submission as the side that received it records it (declarations/dual.ts): what the
 * trader signed, the signature, and the evidence of its check; the other side's node files
 * its half from it, verifying the same signature.
 */
export const SubmissionRecordSchema = z
  .looseObject({
    submissionId: z.string(),
    version: z.number(),
    receivedIn: z.enum(JURISDICTIONS),
    submission: DualSubmissionSchema,
    /** The detached CMS, base64, over the RFC 8785 JSON of `submission`. */
    signatureBase64: z.string(),
    signature: SignatureEvidenceSchema,
    at: z.string(),
    txId: z.string(),
  })
  .meta({ id: 'SubmissionRecord' });
export type SubmissionRecord = z.infer<typeof SubmissionRecordSchema>;

/** A half the other side's node has yet to file or bring up to the submission's version. */
export const PendingHalfSchema = z.looseObject({
  submissionId: z.string(),
  receivedIn: z.enum(JURISDICTIONS),
  version: z.number(),
  declarationId: z.string(),
});
export type PendingHalf = z.infer<typeof PendingHalfSchema>;

export const HistoryEntrySchema = z
  .looseObject({
    action: z.enum(ACTIONS),
    actor: ActorSchema,
    reason: z.string(),
    at: z.string(),
    txId: z.string(),
    version: z.number(),
    state: z.enum(STATES),
    onHold: z.boolean(),
  })
  .meta({ id: 'HistoryEntry' });
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** One declaration as the index lists it: the last act and where it was committed. */
export const DeclarationSummarySchema = z
  .object({
    declarationId: z.string(),
    version: z.number(),
    state: z.enum(STATES),
    onHold: z.boolean(),
    jurisdiction: z.enum(JURISDICTIONS),
    consignmentRef: z.string(),
    lastAction: z.enum(ACTIONS),
    lastActorMsp: z.string(),
    lastAt: z.string(),
    blockNumber: z.string(),
    txId: z.string(),
  })
  .meta({ id: 'DeclarationSummary' });
export type DeclarationSummary = z.infer<typeof DeclarationSummarySchema>;

const reason = z.string().max(REASON_MAX).default('');
const PLAIN_ACTS = OFFICER_ACTIONS.filter(
  (a): a is Exclude<OfficerAction, 'ASSESS_RISK' | 'RECORD_INSPECTION'> =>
    a !== 'ASSESS_RISK' && a !== 'RECORD_INSPECTION',
);
/** An officer's act as the gateway takes it: the ranges are the life cycle's. */
export const OfficerActSchema = z
  .discriminatedUnion('action', [
    z.object({ action: z.enum(PLAIN_ACTS), reason }).strict(),
    z
      .object({
        action: z.literal('ASSESS_RISK'),
        level: z.enum(RISK_LEVELS),
        score: z.number().int().min(RISK_SCORE.min).max(RISK_SCORE.max),
        reason,
      })
      .strict(),
    z
      .object({
        action: z.literal('RECORD_INSPECTION'),
        result: z.enum(INSPECTION_RESULTS),
        findings: z.string().max(FINDINGS_MAX).default(''),
      })
      .strict(),
  ])
  .meta({ id: 'OfficerAct' });
export type OfficerAct = z.infer<typeof OfficerActSchema>;

/** A trust-list act: who (client identity), when, in which transaction, why. */
const TrustActSchema = z.looseObject({
  mspId: z.string(),
  id: z.string(),
  role: z.string().optional(),
  at: z.string(),
  txId: z.string(),
  reason: z.string(),
});

const CrlSchema = z.object({
  pem: z.string(),
  thisUpdate: z.string(),
  nextUpdate: z.string().nullable(),
  revokedCount: z.number(),
});

export const AuthorityRecordSchema = z
  .looseObject({
    authorityId: z.string(),
    name: z.string(),
    jurisdiction: z.enum(JURISDICTIONS),
    status: z.enum(['ACTIVE', 'WITHDRAWN']),
    caCertPem: z.string(),
    subject: z.string(),
    notAfter: z.string(),
    acceptedPolicies: z.array(z.string()),
    /** Whose declarations its signers may sign (absent: both, mutual recognition). */
    recognisedFor: z.array(z.enum(JURISDICTIONS)).optional(),
    crl: CrlSchema.nullable(),
    /** CA certificates below the authority (absent on records from before paths). */
    caCertificates: z
      .array(z.looseObject({ pem: z.string(), subject: z.string(), notAfter: z.string() }))
      .optional(),
    /** The current CRL of each listed CA below the authority. */
    caCrls: z.array(CrlSchema).optional(),
    /** Who proposed the last change (or updated the CRL), when it took effect, why. */
    updatedBy: TrustActSchema.optional(),
    /** Who of the other customs service approved the last change. */
    approvedBy: TrustActSchema.optional(),
  })
  .meta({ id: 'Authority' });
export type AuthorityResult = z.infer<typeof AuthorityRecordSchema>;

/** A proposed change of the trust list and what became of it (domain/trust-proposals.ts). */
export const TrustProposalRecordSchema = z
  .looseObject({
    proposalId: z.string(),
    authorityId: z.string(),
    jurisdiction: z.enum(JURISDICTIONS),
    change: TrustChangeSchema,
    status: z.enum(PROPOSAL_STATUSES),
    proposedBy: TrustActSchema,
    decidedBy: TrustActSchema.nullable(),
  })
  .meta({ id: 'TrustProposal' });
export const SelfCheckRecordSchema = z
  .looseObject({
    checkId: z.string(),
    note: z.string(),
    /** Who asked for it (the client identity that submitted it). */
    recordedBy: ActorSchema.optional(),
    recordedAt: z.string().optional(),
    txId: z.string().optional(),
  })
  .meta({ id: 'SelfCheckRecord' });

const SealActSchema = z.looseObject({ actor: ActorSchema, at: z.string(), txId: z.string() });
export const AlarmClearanceSchema = z
  .looseObject({
    crossingId: z.string(),
    actor: ActorSchema,
    at: z.string(),
    txId: z.string(),
    throughCounter: z.number(),
  })
  .meta({ id: 'AlarmClearance' });
export const SealAlarmSchema = SealActSchema.extend({
  kind: z.string(),
  heldDeclarations: z.array(z.string()),
  /** Set once the joint inspection of a crossing cleared it (CLEARED). */
  clearedBy: AlarmClearanceSchema.optional(),
}).meta({ id: 'SealAlarm' });
export const SealCheckpointSchema = SealActSchema.extend({
  controlPoint: z.string(),
  counter: z.number(),
}).meta({ id: 'SealCheckpoint' });

export const SealRecordSchema = z
  .looseObject({
    sealId: z.string(),
    deviceId: z.string(),
    tagUid: z.string(),
    conveyance: z.string(),
    routeId: z.string(),
    declarationIds: z.array(z.string()),
    state: z.enum(['APPLIED', 'REMOVED']),
    applied: SealActSchema,
    removed: SealActSchema.nullable(),
    alarms: z.array(SealAlarmSchema),
    anchoredToCounter: z.number(),
    batches: z.number(),
    readingsFromCounter: z.number().optional(),
    lastTagCounter: z.number(),
    checkpoints: z.array(SealCheckpointSchema),
  })
  .meta({ id: 'SealRecord' });
export type SealResult = z.infer<typeof SealRecordSchema>;

/** GetActiveSeal: a device's reading key and the seal it is on now. */
export const ActiveSealSchema = z.looseObject({
  deviceId: z.string(),
  publicKeyPem: z.string(),
  sealId: z.string(),
});

/** GetAnchors: one anchored batch of readings. */
export const AnchorRecordSchema = z.looseObject({
  batchId: z.string(),
  fromCounter: z.number(),
  toCounter: z.number(),
  merkleRoot: z.string(),
  txId: z.string(),
});
