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
  SubmissionRecordSchema,
  declarationOf,
  parseFiling,
  requireCommercialOf,
  requireRecognisedFor,
  sha256,
  toTrustAnchor,
  verifyDetachedSignature,
  type AuthorityRecord,
  type DualSubmission,
  type Jurisdiction,
  type SubmissionRecord,
} from '@clearance/domain';
import { canonicalBytes, toHex } from '@clearance/core';
import { boundedText, parseJsonArgument, parseState, readJson, writeJson } from '../stub/ledger-io';
import { callNamespace } from '../stub/namespace';

const SUBMISSION = 'dual-submission';

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

export async function writeSubmission(ctx: Context, record: SubmissionRecord): Promise<void> {
  await writeJson(ctx, submissionKey(ctx, record.submissionId), record);
}

export async function listSubmissions(ctx: Context): Promise<SubmissionRecord[]> {
  const out: SubmissionRecord[] = [];
  for await (const row of ctx.stub.getStateByPartialCompositeKey(SUBMISSION, []))
    out.push(SubmissionRecordSchema.parse(parseState<unknown>(row.value)));
  return out;
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
): Promise<Uint8Array | undefined> {
  const bytes = ctx.stub.getTransient().get('commercial');
  if (!bytes) {
    if (!required) return undefined;
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `the ${jurisdiction} commercial values must be sent as transient data "commercial"`,
    );
  }
  const filing = parseFiling(
    declarationOf(submission, jurisdiction),
    parseJsonArgument(Buffer.from(bytes).toString(), 'commercial'),
  );
  const canonical = canonicalBytes(filing.commercial);
  requireCommercialOf(submission, jurisdiction, toHex(await sha256(canonical)));
  return canonical;
}
