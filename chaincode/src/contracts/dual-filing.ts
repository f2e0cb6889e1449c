/**
 * The ledger side of a dual filing (domain/declarations/dual.ts): the submission record in
 * the namespace that received it, the signature check with the signer's recognition for
 * each side, and one side's commercial values from transient data.
 */
import type { Context } from 'fabric-contract-api';
import {
  JOINT_NAMESPACE,
  JURISDICTIONS,
  LedgerError,
  PendingHalfSchema,
  SubmissionRecordSchema,
  otherSide,
  declarationOf,
  parseFiling,
  requireCommercialOf,
  requireRecognisedFor,
  sha256,
  sharedCommercialCollection,
  toTrustAnchor,
  verifyDetachedSignature,
  type AuthorityRecord,
  type DualSubmission,
  type Jurisdiction,
  type PendingHalf,
  type SubmissionRecord,
} from '@clearance/domain';
import { canonicalBytes, toHex } from '@clearance/core';
import { boundedText, parseJsonArgument, parseState, readJson, writeJson } from '../stub/ledger-io';
import { callNamespace } from '../stub/namespace';

const SUBMISSION = 'dual-submission';
/**
 * Index of the halves the other side has yet to file: (side to file, submission id) →
 * PendingHalf, in the namespace that received the submission, written in the transaction
 * that records (or amends) it and deleted by SettleHalves once that half is on the ledger.
 */
const PENDING_HALF = 'dual-pending';

export function jurisdictionArgument(value: unknown): Jurisdiction {
  const found = JURISDICTIONS.find((j) => j === value);
  if (!found)
    throw new LedgerError('INVALID_ARGUMENT', `jurisdiction must be ${JURISDICTIONS.join(' or ')}`);
  return found;
}

export function signatureArgument(value: unknown): string {
  const signature = boundedText(value, 'signature', 64 * 1024);
  if (!/^[A-Za-z0-9+/]+=*$/.test(signature))
    throw new LedgerError('INVALID_ARGUMENT', 'signature must be base64');
  return signature;
}

/**
 * Verifies a detached signature over `content` against the trust list (read in the joint
 * namespace, in this transaction) as of `at`, and that the signer's authority is
 * recognised for each of `jurisdictions`, in order: the first refused is named.
 */
export async function verifiedSignature(
  ctx: Context,
  content: Uint8Array,
  signatureBase64: string,
  at: string,
  jurisdictions: readonly Jurisdiction[],
) {
  // Our own chaincode's records, as TrustList wrote them (parseState).
  const authorities = parseState<AuthorityRecord[]>(
    Buffer.from(await callNamespace(ctx, JOINT_NAMESPACE, 'TrustList:ListAuthorities', [])),
  );
  const evidence = await verifyDetachedSignature(
    content,
    new Uint8Array(Buffer.from(signatureBase64, 'base64')),
    authorities.map(toTrustAnchor),
    new Date(at),
  );
  const authority = authorities.find((a) => a.authorityId === evidence.authorityId);
  if (!authority) throw new Error(`verified by ${evidence.authorityId}, which is not listed`);
  for (const jurisdiction of jurisdictions) requireRecognisedFor(authority, jurisdiction);
  return evidence;
}

const submissionKey = (ctx: Context, id: string) => ctx.stub.createCompositeKey(SUBMISSION, [id]);

export async function readSubmission(
  ctx: Context,
  id: string,
): Promise<SubmissionRecord | undefined> {
  const record = await readJson<unknown>(ctx, submissionKey(ctx, id));
  return record === undefined ? undefined : SubmissionRecordSchema.parse(record);
}

/**
 * Writes the submission record and, in the same transaction, its entry in the index of
 * pending halves for the other side: no crash can leave a submission without its entry.
 */
export async function recordSubmission(ctx: Context, record: SubmissionRecord): Promise<void> {
  await writeJson(ctx, submissionKey(ctx, record.submissionId), record);
  const forSide = otherSide(record.receivedIn);
  const entry: PendingHalf = {
    submissionId: record.submissionId,
    receivedIn: record.receivedIn,
    version: record.version,
    declarationId: record.submission.sides[forSide].declarationId,
  };
  await writeJson(ctx, pendingKey(ctx, forSide, record.submissionId), entry);
}

const pendingKey = (ctx: Context, forSide: Jurisdiction, submissionId: string) =>
  ctx.stub.createCompositeKey(PENDING_HALF, [forSide, submissionId]);

/** The index entries of halves `forSide` has yet to file (or settle): its key range only. */
export async function listPendingFor(ctx: Context, forSide: Jurisdiction): Promise<PendingHalf[]> {
  const out: PendingHalf[] = [];
  for await (const row of ctx.stub.getStateByPartialCompositeKey(PENDING_HALF, [forSide]))
    out.push(PendingHalfSchema.parse(parseState<unknown>(row.value)));
  return out;
}

/** The index entry of `forSide`'s half of a submission, if it is open. */
export async function readPending(
  ctx: Context,
  forSide: Jurisdiction,
  submissionId: string,
): Promise<PendingHalf | undefined> {
  const entry = await readJson<unknown>(ctx, pendingKey(ctx, forSide, submissionId));
  return entry === undefined ? undefined : PendingHalfSchema.parse(entry);
}

export async function deletePending(ctx: Context, entry: PendingHalf): Promise<void> {
  await ctx.stub.deleteState(pendingKey(ctx, otherSide(entry.receivedIn), entry.submissionId));
}

/**
 * This side's commercial values from transient `commercial`, as RFC 8785 bytes: valid for
 * its declaration and matching the hash the submission signs. Absent: undefined unless
 * `required`.
 */
export async function transientCommercial(
  ctx: Context,
  submission: DualSubmission,
  jurisdiction: Jurisdiction,
  required: boolean,
  field: 'commercial' | 'commercialOther' = 'commercial',
): Promise<Uint8Array | undefined> {
  const bytes = ctx.stub.getTransient().get(field);
  if (!bytes) {
    if (!required) return undefined;
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `the ${jurisdiction} commercial values must be sent as transient data "${field}"`,
    );
  }
  return checkedCommercial(submission, jurisdiction, Buffer.from(bytes).toString(), field);
}

/** Commercial values (JSON) of `jurisdiction`'s half, checked against the signed hash. */
export async function checkedCommercial(
  submission: DualSubmission,
  jurisdiction: Jurisdiction,
  json: string,
  name: string,
): Promise<Uint8Array> {
  const filing = parseFiling(
    declarationOf(submission, jurisdiction),
    parseJsonArgument(json, name),
  );
  const canonical = canonicalBytes(filing.commercial);
  requireCommercialOf(submission, jurisdiction, toHex(await sha256(canonical)));
  return canonical;
}

/**
 * The other side's values handed over by the side that received the submission (transient
 * `commercialOther`, checked against the signed hash): written to the receiving namespace's
 * shared collection, whose members are both sides' agencies, under the submission's version.
 * The other side's node copies them into its own collection when it files its half
 * (FileHalf, endorsed by its own peers); the values never enter public state.
 */
export async function handOverValues(
  ctx: Context,
  submission: DualSubmission,
  receivedIn: Jurisdiction,
  version: number,
): Promise<void> {
  const there = otherSide(receivedIn);
  const values = await transientCommercial(ctx, submission, there, false, 'commercialOther');
  if (!values) return;
  await ctx.stub.putPrivateData(
    sharedCommercialCollection(receivedIn),
    handOverKey(submission.submissionId, version, there),
    values,
  );
}

export const handOverKey = (submissionId: string, version: number, forSide: Jurisdiction) =>
  `dual#${submissionId}#${version}#${forSide}`;
