/**
 * What the contracts return, as zod schemas: the gateway parses every ledger result with
 * them (no casts of JSON.parse) and derives its response schemas and OpenAPI from them.
 * Loose objects: a newer chaincode may add fields without breaking older gateways.
 */
import { z } from 'zod';

export const ActorSchema = z.object({
  mspId: z.string(),
  id: z.string(),
  role: z.string().optional(),
});

export const ActRecordSchema = z.looseObject({
  action: z.string(),
  actor: ActorSchema,
  reason: z.string(),
  at: z.string(),
  txId: z.string(),
});

export const DeclarationRecordSchema = z
  .looseObject({
    declarationId: z.string(),
    version: z.number(),
    state: z.string(),
    hold: ActRecordSchema.nullable(),
    jurisdiction: z.enum(['GD', 'HK']),
    consignmentRef: z.string(),
    declaration: z.record(z.string(), z.unknown()),
    commercialSha256: z.string(),
    signature: z.looseObject({
      signerSubject: z.string(),
      issuer: z.string(),
      serialNumber: z.string(),
      jurisdiction: z.string(),
      authorityId: z.string(),
      policyOid: z.string(),
      certificateSha256: z.string(),
      contentSha256: z.string(),
      signingTime: z.string().optional(),
      signatureAlgorithm: z.string().optional(),
      certificationPath: z.array(z.string()).optional(),
    }),
    risk: z.object({ level: z.string(), score: z.number() }).nullable(),
    inspection: z.record(z.string(), ActRecordSchema),
    releases: z.record(z.string(), ActRecordSchema),
    lastAct: ActRecordSchema,
  })
  .meta({ id: 'DeclarationRecord' });
export type DeclarationResult = z.infer<typeof DeclarationRecordSchema>;

export const HistoryEntrySchema = z
  .looseObject({
    action: z.string(),
    actor: ActorSchema,
    reason: z.string(),
    at: z.string(),
    txId: z.string(),
    version: z.number(),
    state: z.string(),
    onHold: z.boolean(),
  })
  .meta({ id: 'HistoryEntry' });

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
    jurisdiction: z.enum(['GD', 'HK']),
    status: z.enum(['ACTIVE', 'WITHDRAWN']),
    caCertPem: z.string(),
    subject: z.string(),
    notAfter: z.string(),
    acceptedPolicies: z.array(z.string()),
    crl: CrlSchema.nullable(),
    /** CA certificates below the authority (absent on records from before paths). */
    caCertificates: z
      .array(z.looseObject({ pem: z.string(), subject: z.string(), notAfter: z.string() }))
      .optional(),
    /** The current CRL of each listed CA below the authority. */
    caCrls: z.array(CrlSchema).optional(),
  })
  .meta({ id: 'Authority' });
export type AuthorityResult = z.infer<typeof AuthorityRecordSchema>;

export const SelfCheckRecordSchema = z.looseObject({ checkId: z.string(), note: z.string() });

const SealActSchema = z.looseObject({ actor: ActorSchema, at: z.string(), txId: z.string() });
export const SealAlarmSchema = SealActSchema.extend({
  kind: z.string(),
  heldDeclarations: z.array(z.string()),
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
