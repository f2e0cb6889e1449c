/**
 * The evidence bundle (format `clearance-evidence`, version 1) and the verifier's trust
 * root, as zod schemas: the one definition the builder writes, the verifier reads and the
 * documentation (docs/evidence-bundle.md) describes. Bytes travel as base64 (Fabric
 * messages, exactly as signed) or lower-case hex (hashes); block numbers as decimal text.
 */
import { z } from 'zod';

export const BUNDLE_FORMAT = 'clearance-evidence';
export const BUNDLE_VERSION = 1;
export const TRUST_ROOT_FORMAT = 'clearance-trust-root';
export const ATTESTATION_TYPE = 'clearance/validation-attestation/v1';

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const Hex = z.string().regex(/^([0-9a-f]{2})*$/, 'lower-case hex');
const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash in lower-case hex');
const BlockNumber = z.string().regex(/^(0|[1-9][0-9]{0,19})$/, 'a block number');
const TxId = z.string().regex(/^[0-9a-f]{64}$/, 'a Fabric transaction id');

/** A block: its header, every envelope (for data_hash) and the orderers' signatures. */
export const BlockSchema = z
  .object({
    number: BlockNumber,
    previousHash: Hex,
    dataHash: Hex,
    /** Every envelope of the block, in order: data_hash is one SHA-256 over all of them. */
    data: z.array(Base64).min(1),
    /** SIGNATURES metadata: the signed value (last config index) and each orderer's signature. */
    signatures: z
      .object({
        value: Base64,
        items: z.array(z.object({ signatureHeader: Base64, signature: Base64 }).strict()),
      })
      .strict()
      .optional(),
  })
  .strict();
export type BlockJson = z.infer<typeof BlockSchema>;

/** A transaction of the bundle: where it is, and why it is there. */
export const TransactionRefSchema = z
  .object({
    id: TxId,
    block: BlockNumber,
    index: z.number().int().min(0),
    /** `subject`: what the bundle is about; `source`: it set a policy or definition in force. */
    role: z.enum(['subject', 'source']),
  })
  .strict();

/**
 * What a source transaction wrote that a later transaction's validation depends on: the
 * value of a key (the chaincode definition in `_lifecycle`) or a key's endorsement policy
 * (its VALIDATION_PARAMETER metadata, or its deletion, which clears it).
 */
export const SourceSchema = z
  .object({
    transaction: TxId,
    kind: z.enum(['value', 'key-policy']),
    namespace: z.string().min(1),
    /** Private data collection; the key is then the hex SHA-256 of the private key. */
    collection: z.string().optional(),
    key: z.string(),
  })
  .strict();
export type Source = z.infer<typeof SourceSchema>;

const AttestedTransactionSchema = z
  .object({
    transactionId: TxId,
    blockNumber: BlockNumber,
    /** SHA-256 of the block header (protoutil.BlockHeaderHash). */
    blockHash: Hash,
    validationCode: z.number().int().min(0).max(255),
    validationCodeName: z.string(),
  })
  .strict();

/**
 * What an organisation states: the code its own peer recorded for each transaction, and the
 * digest of the bundle's claims it checked them against (claimsDigest: facts, transactions,
 * sources). Signed as RFC 8785 JSON.
 */
export const StatementSchema = z
  .object({
    type: z.literal(ATTESTATION_TYPE),
    channel: z.string(),
    attestedAt: z.iso.datetime(),
    /** The configuration block in force at the attester's peer when it signed: the
     * verifier judges the signer under it (a certificate revoked since the transaction is
     * not accepted), so the bundle must carry it. */
    configuration: z.object({ blockNumber: BlockNumber, blockHash: Hash }).strict(),
    transactions: z.array(AttestedTransactionSchema).min(1),
    claims: Hash,
  })
  .strict();
export type Statement = z.infer<typeof StatementSchema>;

export const AttestationSchema = z
  .object({
    statement: StatementSchema,
    signer: z.object({ mspId: z.string().min(1), certificate: z.string().min(1) }).strict(),
    /** DER ECDSA over SHA-256 of the canonical statement, low S. */
    signature: Base64,
  })
  .strict();
export type Attestation = z.infer<typeof AttestationSchema>;

const Time = z.iso.datetime();
const Agency = z.string().min(1);

export const ReleaseFactsSchema = z
  .object({
    kind: z.literal('release'),
    consignmentRef: z.string(),
    declarations: z
      .array(
        z
          .object({
            declarationId: z.string(),
            jurisdiction: z.string(),
            /** The state the release left it in (RELEASED once every agency has released). */
            state: z.string(),
            releases: z
              .array(z.object({ agency: Agency, at: Time, transactionId: TxId }).strict())
              .min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const CrossingFactsSchema = z
  .object({
    kind: z.literal('crossing'),
    crossingId: z.string(),
    sealId: z.string(),
    controlPoint: z.string(),
    direction: z.string(),
    decision: z.string(),
    reasons: z.array(z.string()),
    declarationIds: z.array(z.string()),
    decidedAt: Time,
    decidedBy: Agency,
    outcome: z.object({ status: z.string(), at: Time, by: Agency }).strict().nullable(),
  })
  .strict();

/** Any transaction (what the agreement test checks): who invoked what, when. */
export const TransactionFactsSchema = z
  .object({
    kind: z.literal('transaction'),
    transactionId: TxId,
    chaincode: z.string(),
    function: z.string(),
    submittedBy: Agency,
    at: Time,
  })
  .strict();

export const FactsSchema = z.discriminatedUnion('kind', [
  ReleaseFactsSchema,
  CrossingFactsSchema,
  TransactionFactsSchema,
]);
export type Facts = z.infer<typeof FactsSchema>;
export type ReleaseFacts = z.infer<typeof ReleaseFactsSchema>;
export type CrossingFacts = z.infer<typeof CrossingFactsSchema>;

/** What a bundle claims, beyond what blocks prove: the facts, its transactions and sources. */
export interface Claims {
  facts: Facts;
  transactions: z.infer<typeof TransactionRefSchema>[];
  sources: Source[];
}

export const BundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    version: z.literal(BUNDLE_VERSION),
    channel: z.string().min(1),
    /** The public facts the bundle attests, as the subject transactions' writes state them. */
    facts: FactsSchema,
    transactions: z.array(TransactionRefSchema).min(1),
    sources: z.array(SourceSchema),
    /** The blocks of the transactions (each once). */
    blocks: z.array(BlockSchema).min(1),
    /** Configuration blocks from the channel's genesis block to the last one in force. */
    configuration: z.array(BlockSchema).min(1),
    attestations: z.array(AttestationSchema),
  })
  .strict();
export type Bundle = z.infer<typeof BundleSchema>;

const ROLES = ['member', 'admin', 'client', 'peer', 'orderer'] as const;
const Names = z.object({ en: z.string(), 'zh-HK': z.string(), 'zh-CN': z.string() }).strict();

/**
 * What the verifier trusts, pinned by whoever relies on it (published by both customs
 * services): the channel's genesis block hash, the chaincode whose records the facts are
 * read from, whose statements of validity it accepts, and how to name organisations.
 */
export const TrustRootSchema = z
  .object({
    format: z.literal(TRUST_ROOT_FORMAT),
    version: z.literal(1),
    channel: z.string().min(1),
    genesisBlockHash: Hash,
    chaincode: z.string().min(1),
    attestation: z
      .object({
        /** How many of the principals must state a transaction's validation code. */
        required: z.number().int().min(1),
        of: z.array(z.object({ mspId: z.string().min(1), role: z.enum(ROLES) }).strict()).min(1),
      })
      .strict()
      .refine((a) => a.required <= a.of.length, 'required exceeds the principals listed'),
    organisations: z.record(z.string(), Names).optional(),
  })
  .strict();
export type TrustRoot = z.infer<typeof TrustRootSchema>;
