/**
 * Food animals supplied to Hong Kong (供港食用動物監管溯源): the records of the Livestock
 * contract, defined once. What lives where (docs/endorsement.md, "Food animals"):
 * - GD's namespace: farms, certifying officers, consignments with their signed health
 *   certificates, the ear-tag index, recalls (GD inspection and quarantine's own acts);
 * - HK's namespace: arrival checks at Man Kam To and slaughterhouse receipts (Hong Kong's
 *   Centre for Food Safety's own acts), the carcass index;
 * - the joint namespace: the e-lock seal and the crossing decision, as for any goods.
 * Only what the other side needs is public: the farm's registration, status and veterinarian's
 * registration; the certificate (ids, vaccinations, residue results) the vet signed. The
 * farm's operator and address stay in GD's private collection.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../declarations/declaration';
import { ActorSchema } from '../declarations/vocabulary';
import { SignatureEvidenceSchema } from '../declarations/records';
import { StorableText } from '../shared/text';

export const SPECIES = ['PIG', 'CATTLE', 'GOAT'] as const;
export type Species = (typeof SPECIES)[number];

export const LIVESTOCK_ACTIONS = [
  'REGISTER_FARM',
  'SUSPEND_FARM',
  'REINSTATE_FARM',
  'RECALL',
  'REGISTER_CERTIFIER',
  'CERTIFY',
  'LINK_SEAL',
  'CHECK_ARRIVAL',
  'RECEIVE',
] as const;
export type LivestockAction = (typeof LIVESTOCK_ACTIONS)[number];

/** The control points where Hong Kong checks food animals on arrival (Man Kam To). */
export const ARRIVAL_CONTROL_POINTS = ['MKT'] as const;

/** Most animals on one certificate (one truck). */
export const MAX_HEAD = 1000;

const id = z.string().regex(ID_PATTERN, '1-64 of A-Z a-z 0-9 . _ -, starting alphanumeric');
const text = (max: number) => StorableText.trim().min(1).max(max);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 as 64 lower-case hex digits');
const day = z.iso.date();
/** An RFID ear tag (ISO 11784: 15 digits) or a printed tag number. */
export const EarTagSchema = z.string().regex(/^[A-Z0-9][A-Z0-9-]{3,31}$/, '4-32 of A-Z 0-9 -');
const tattoo = z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/, '1-16 of A-Z 0-9 -');

const unique = (values: readonly string[]) => new Set(values).size === values.length;

export const LivestockActSchema = z.looseObject({
  action: z.enum(LIVESTOCK_ACTIONS),
  actor: ActorSchema,
  reason: z.string(),
  at: z.string(),
  txId: z.string(),
});
export type LivestockAct = z.infer<typeof LivestockActSchema>;

export const FarmInputSchema = z
  .object({
    /** The registration number GD inspection and quarantine gave the farm. */
    farmId: id,
    name: text(200),
    region: text(100),
    species: z
      .array(z.enum(SPECIES))
      .min(1)
      .refine(unique, 'species must not repeat')
      .meta({ description: 'The species the farm is registered to supply' }),
    veterinarian: z
      .object({
        registrationNo: id,
        /** SHA-256 of the vet's signing certificate (DER): the signer of the farm's certificates. */
        certificateSha256: sha256Hex,
      })
      .strict(),
  })
  .strict()
  .meta({ id: 'FarmInput' });
export type FarmInput = z.infer<typeof FarmInputSchema>;

/** The farm's details that stay in GD (private collection; transient "farm"). */
export const FarmPrivateSchema = z
  .object({
    operator: text(200),
    address: text(400),
    veterinarianName: text(200),
    contact: text(100).optional(),
  })
  .strict()
  .meta({ id: 'FarmPrivate' });
export type FarmPrivate = z.infer<typeof FarmPrivateSchema>;

export const FARM_STATUSES = ['ACTIVE', 'SUSPENDED'] as const;
export const FarmRecordSchema = FarmInputSchema.extend({
  status: z.enum(FARM_STATUSES),
  registered: LivestockActSchema,
  /** Suspensions, reinstatements and recalls, oldest first. */
  statusChanges: z.array(LivestockActSchema),
  /** SHA-256 of the private details as stored in GD's collection. */
  privateSha256: sha256Hex,
  lastAct: LivestockActSchema,
}).meta({ id: 'FarmRecord' });
export type FarmRecord = z.infer<typeof FarmRecordSchema>;

/** A certifying officer of GD inspection and quarantine, who may sign any farm's certificate. */
export const CertifierInputSchema = z
  .object({ certificateSha256: sha256Hex, name: text(200), office: text(100) })
  .strict()
  .meta({ id: 'CertifierInput' });
export type CertifierInput = z.infer<typeof CertifierInputSchema>;
export const CertifierRecordSchema = CertifierInputSchema.extend({
  registered: LivestockActSchema,
}).meta({ id: 'CertifierRecord' });
export type CertifierRecord = z.infer<typeof CertifierRecordSchema>;

export const AnimalSchema = z.object({ earTag: EarTagSchema, tattoo: tattoo.optional() }).strict();
export type Animal = z.infer<typeof AnimalSchema>;

export const RESIDUE_RESULTS = ['NEGATIVE', 'POSITIVE'] as const;
export const ResidueTestSchema = z
  .object({
    substance: text(100),
    result: z.enum(RESIDUE_RESULTS),
    sampledOn: day,
    laboratory: text(200),
  })
  .strict();

/**
 * The health certificate: what the registered veterinarian or a certifying officer signs
 * (canonical JSON, detached CMS) and what crosses to Hong Kong with the animals.
 */
export const HealthCertificateSchema = z
  .object({
    certificateNo: id,
    consignmentId: id,
    farmId: id,
    species: z.enum(SPECIES),
    headCount: z.number().int().min(1).max(MAX_HEAD),
    animals: z.array(AnimalSchema).min(1).max(MAX_HEAD),
    vaccinations: z.array(z.object({ disease: text(100), vaccinatedOn: day }).strict()).max(50),
    residueTests: z.array(ResidueTestSchema).min(1).max(50),
    issuedOn: day,
    /** The licensed slaughterhouse in Hong Kong the animals go to. */
    slaughterhouse: id,
    /** The GD export declaration the truck's e-lock seal covers. */
    declarationId: id,
    conveyance: text(35),
  })
  .strict()
  .superRefine((c, issues) => {
    if (c.animals.length !== c.headCount)
      issues.addIssue({
        code: 'custom',
        path: ['animals'],
        message: `headCount is ${c.headCount} but ${c.animals.length} animals are listed`,
      });
    if (!unique(c.animals.map((a) => a.earTag)))
      issues.addIssue({ code: 'custom', path: ['animals'], message: 'ear tags must not repeat' });
    const tattoos = c.animals.flatMap((a) => (a.tattoo ? [a.tattoo] : []));
    if (!unique(tattoos))
      issues.addIssue({ code: 'custom', path: ['animals'], message: 'tattoos must not repeat' });
  })
  .meta({ id: 'HealthCertificate' });
export type HealthCertificate = z.infer<typeof HealthCertificateSchema>;

/**
 * A consignment's state in GD's namespace. What Hong Kong records (arrival, receipt) lives in
 * HK's namespace, written by HK's peers alone; its stage (stageOf) joins both.
 */
export const CONSIGNMENT_STATES = ['CERTIFIED', 'SEALED'] as const;
export type ConsignmentState = (typeof CONSIGNMENT_STATES)[number];
export const CONSIGNMENT_STAGES = [
  'CERTIFIED',
  'SEALED',
  'ARRIVED',
  'FLAGGED',
  'RECEIVED',
] as const;
export type ConsignmentStage = (typeof CONSIGNMENT_STAGES)[number];

export const ConsignmentRecordSchema = z
  .looseObject({
    consignmentId: z.string(),
    farmId: z.string(),
    certificate: HealthCertificateSchema,
    /** The signer's evidence, verified through the trust list when certified. */
    signature: SignatureEvidenceSchema,
    /** The detached CMS (base64) the other side verifies again on arrival. */
    signatureCms: z.string(),
    state: z.enum(CONSIGNMENT_STATES),
    sealId: z.string().nullable(),
    /** Held by a recall of its farm (the declaration its seal covers is held too). */
    hold: LivestockActSchema.nullable(),
    certified: LivestockActSchema,
    lastAct: LivestockActSchema,
  })
  .meta({ id: 'ConsignmentRecord' });
export type ConsignmentRecord = z.infer<typeof ConsignmentRecordSchema>;

export const ArrivalInputSchema = z
  .object({
    consignmentId: id,
    controlPoint: z.enum(ARRIVAL_CONTROL_POINTS),
    /** The ear tags the reader (or the officer) read on the truck. */
    earTagsRead: z.array(EarTagSchema).max(MAX_HEAD * 2),
    note: StorableText.max(500).optional(),
  })
  .strict()
  .meta({ id: 'ArrivalInput' });
export type ArrivalInput = z.infer<typeof ArrivalInputSchema>;

export const ARRIVAL_FLAGS = [
  'CERTIFICATE_INVALID',
  'EAR_TAG_MISMATCH',
  'SEAL_NOT_INTACT',
  'NOT_SEALED',
  'FARM_SUSPENDED',
  'CONSIGNMENT_HELD',
] as const;
export type ArrivalFlag = (typeof ARRIVAL_FLAGS)[number];

export const ArrivalRecordSchema = z
  .looseObject({
    consignmentId: z.string(),
    certificateNo: z.string(),
    farmId: z.string(),
    controlPoint: z.enum(ARRIVAL_CONTROL_POINTS),
    result: z.enum(['ACCEPTED', 'FLAGGED']),
    flags: z.array(z.enum(ARRIVAL_FLAGS)),
    /** On the certificate, not read on the truck. */
    missingEarTags: z.array(z.string()),
    /** Read on the truck, not on the certificate. */
    unexpectedEarTags: z.array(z.string()),
    earTagsRead: z.number().int(),
    certificateCheck: z.looseObject({
      valid: z.boolean(),
      reason: z.string().optional(),
      signerSubject: z.string().optional(),
    }),
    seal: z
      .looseObject({ sealId: z.string(), state: z.string(), alarms: z.number().int() })
      .nullable(),
    note: z.string().optional(),
    checked: LivestockActSchema,
  })
  .meta({ id: 'ArrivalRecord' });
export type ArrivalRecord = z.infer<typeof ArrivalRecordSchema>;

const receiptFields = {
  slaughterhouse: id,
  anteMortem: z
    .array(
      z
        .object({
          earTag: EarTagSchema,
          result: z.enum(['FIT', 'UNFIT']),
          note: StorableText.max(200).optional(),
        })
        .strict(),
    )
    .max(MAX_HEAD),
  postMortem: z
    .array(
      z
        .object({
          earTag: EarTagSchema,
          carcassId: id,
          result: z.enum(['PASS', 'CONDEMNED']),
          residues: z
            .array(z.object({ substance: text(100), result: z.enum(RESIDUE_RESULTS) }).strict())
            .max(20)
            .optional(),
          note: StorableText.max(200).optional(),
        })
        .strict(),
    )
    .max(MAX_HEAD),
};

/** One finding per animal, one animal per carcass. */
function uniqueFindings(
  r: { anteMortem: { earTag: string }[]; postMortem: { earTag: string; carcassId: string }[] },
  issues: z.core.$RefinementCtx,
): void {
  if (!unique(r.anteMortem.map((a) => a.earTag)))
    issues.addIssue({ code: 'custom', path: ['anteMortem'], message: 'ear tags must not repeat' });
  if (!unique(r.postMortem.map((a) => a.earTag)))
    issues.addIssue({ code: 'custom', path: ['postMortem'], message: 'ear tags must not repeat' });
  if (!unique(r.postMortem.map((a) => a.carcassId)))
    issues.addIssue({
      code: 'custom',
      path: ['postMortem'],
      message: 'carcass ids must not repeat',
    });
}

/** The slaughterhouse's findings, as the HTTP API takes them (the consignment in the path). */
export const ReceiptFindingsSchema = z
  .object(receiptFields)
  .strict()
  .superRefine(uniqueFindings)
  .meta({ id: 'ReceiptFindings' });
export type ReceiptFindings = z.infer<typeof ReceiptFindingsSchema>;

export const ReceiptInputSchema = z
  .object({ consignmentId: id, ...receiptFields })
  .strict()
  .superRefine(uniqueFindings)
  .meta({ id: 'ReceiptInput' });
export type ReceiptInput = z.infer<typeof ReceiptInputSchema>;

export const ReceiptRecordSchema = z
  .looseObject({
    consignmentId: z.string(),
    farmId: z.string(),
    slaughterhouse: z.string(),
    anteMortem: receiptFields.anteMortem,
    postMortem: receiptFields.postMortem,
    /** Ear tags found unfit, condemned or with a positive residue. */
    nonCompliant: z.array(z.string()),
    received: LivestockActSchema,
  })
  .meta({ id: 'ReceiptRecord' });
export type ReceiptRecord = z.infer<typeof ReceiptRecordSchema>;

/** A carcass found at the slaughterhouse, by its id: the animal (ear tag) it came from. */
export const CarcassEntrySchema = z.looseObject({
  carcassId: z.string(),
  earTag: z.string(),
  consignmentId: z.string(),
});
export type CarcassEntry = z.infer<typeof CarcassEntrySchema>;

/** Trace-back starts from an ear tag or from a carcass id. */
export const TRACE_KINDS = ['earTag', 'carcass'] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/** The seal track and crossings, as the joint namespace answers them. */
export const SealTrackSchema = z.looseObject({
  seal: z.looseObject({ sealId: z.string(), state: z.string() }).passthrough(),
  anchors: z.array(z.looseObject({})),
  crossings: z.array(z.looseObject({})),
});
export type SealTrack = z.infer<typeof SealTrackSchema>;

/** One trace-back answer: the animal back to farm, certificate, truck, seal and crossing. */
export const TraceBackSchema = z
  .looseObject({
    query: z.object({ kind: z.enum(TRACE_KINDS), id: z.string() }),
    earTag: z.string(),
    carcassId: z.string().nullable(),
    animal: AnimalSchema,
    farm: FarmRecordSchema,
    consignment: ConsignmentRecordSchema,
    conveyance: z.string(),
    sealTrack: SealTrackSchema.nullable(),
    arrival: ArrivalRecordSchema.nullable(),
    receipt: ReceiptRecordSchema.nullable(),
    stage: z.enum(CONSIGNMENT_STAGES),
  })
  .meta({ id: 'TraceBack' });
export type TraceBack = z.infer<typeof TraceBackSchema>;

/**
 * The one event of a recall: the farm suspended, the consignments in transit and the
 * declarations it held (the index holds those declarations as a seal alarm's).
 */
export const FarmRecalledEventSchema = z.looseObject({
  farmId: z.string(),
  status: z.enum(FARM_STATUSES),
  reason: z.string(),
  heldConsignments: z.array(z.string()),
  heldDeclarations: z.array(z.string()),
  actor: ActorSchema,
  at: z.string(),
  txId: z.string(),
});
export type FarmRecalledEvent = z.infer<typeof FarmRecalledEventSchema>;
