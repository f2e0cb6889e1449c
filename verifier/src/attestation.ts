/**
 * Statements of validity. The validation code each peer records for a transaction (VALID,
 * ENDORSEMENT_POLICY_FAILURE, MVCC_READ_CONFLICT, ...) is not covered by the orderers'
 * signatures, and a rejected transaction is still in its block; so the bundle carries
 * statements, each signed by an identity of an organisation that read the code from its own
 * peer, naming the transaction, its block and the block's hash. The verifier accepts them
 * when signers valid in the configuration at that block satisfy the trust root's
 * attestation policy, and they all agree.
 */
import { canonicalBytes, toHex } from '@clearance/core';
import {
  ATTESTATION_TYPE,
  type Attestation,
  type Claims,
  type Statement,
  type TrustRoot,
} from './bundle';
import type { ChannelConfig } from './config';
import { sha256, verifyFabricSignature } from './crypto';
import { ROLE, validationCodeName } from './fabric-messages';
import { fromBase64, toBase64 } from './ledger';
import type { ValidatedIdentity } from './msp';
import { satisfiesSignaturePolicy } from './policy';
import { encodeFields } from './protobuf';
import type { Reason } from './report';

const ROLE_NUMBER: Record<TrustRoot['attestation']['of'][number]['role'], number> = {
  member: ROLE.MEMBER,
  admin: ROLE.ADMIN,
  client: ROLE.CLIENT,
  peer: ROLE.PEER,
  orderer: ROLE.ORDERER,
};

/** SHA-256 of a bundle's claims as RFC 8785 JSON: what each statement names. */
export async function claimsDigest(claims: Claims): Promise<string> {
  return toHex(
    await sha256(
      canonicalBytes({
        facts: claims.facts,
        transactions: claims.transactions,
        sources: claims.sources,
      }),
    ),
  );
}

/** The bytes an attestation signs: the statement as RFC 8785 JSON. */
export const statementBytes = (statement: Statement): Uint8Array => canonicalBytes(statement);

/** Signs a statement: `sign` returns a DER ECDSA signature (low S) over the bytes given. */
export async function signStatement(
  statement: Statement,
  signer: { mspId: string; certificate: string },
  sign: (message: Uint8Array) => Promise<Uint8Array>,
): Promise<Attestation> {
  return { statement, signer, signature: toBase64(await sign(statementBytes(statement))) };
}

export interface AttestedBlock {
  transactionId: string;
  blockNumber: bigint;
  blockHash: string;
}

export type ValidityOutcome =
  { ok: true; attesters: string[] } | { ok: false; reason: Reason; detail: string; code?: number };

/**
 * What the bundle's attestations say of one transaction. Each signer is judged under the
 * configuration its statement names (the one in force when it signed, which the bundle must
 * carry, no older than the transaction's); all statements name the same one.
 */
export async function judgeValidity(
  trustRoot: TrustRoot,
  configs: ReadonlyMap<bigint, ChannelConfig>,
  txConfig: ChannelConfig,
  attestations: readonly Attestation[],
  tx: AttestedBlock,
): Promise<ValidityOutcome> {
  const valid: ValidatedIdentity[] = [];
  const codes = new Set<number>();
  const attesters: string[] = [];
  let config: ChannelConfig | undefined;
  for (const a of attestations) {
    const entry = a.statement.transactions.find((t) => t.transactionId === tx.transactionId);
    if (!entry) continue;
    const who = a.signer.mspId;
    const mismatch = (detail: string): ValidityOutcome => ({
      ok: false,
      reason: 'ATTESTATION_MISMATCH',
      detail: `${who}: ${detail}`,
    });
    if (a.statement.type !== ATTESTATION_TYPE || a.statement.channel !== trustRoot.channel)
      return mismatch('another channel');
    if (entry.blockNumber !== tx.blockNumber.toString() || entry.blockHash !== tx.blockHash)
      return mismatch(`names block ${entry.blockNumber} ${entry.blockHash.slice(0, 12)}…`);
    if (validationCodeName(entry.validationCode) !== entry.validationCodeName)
      return mismatch('code and name differ');
    const named = a.statement.configuration;
    const signedUnder = configs.get(BigInt(named.blockNumber));
    if (!signedUnder || signedUnder.blockHash !== named.blockHash)
      return mismatch(`names configuration block ${named.blockNumber}, not in the bundle`);
    if (signedUnder.blockNumber < txConfig.blockNumber)
      return mismatch(`names configuration block ${named.blockNumber}, older than the transaction`);
    if (config && config !== signedUnder)
      return mismatch('statements name different configurations');
    config = signedUnder;
    const signer = await config.msps.member(who, new TextEncoder().encode(a.signer.certificate));
    if (signer.fault !== undefined || !signer.identity)
      return {
        ok: false,
        reason: 'ATTESTER_NOT_IN_MSP',
        detail: `${who}: ${signer.fault ?? 'unreadable'}`,
      };
    const at = Date.parse(a.statement.attestedAt);
    const cert = signer.identity.certificate;
    if (!(cert.notBefore.getTime() <= at && at <= cert.notAfter.getTime()))
      return {
        ok: false,
        reason: 'CERT_NOT_VALID_AT_TIME',
        detail: `${who} at ${a.statement.attestedAt}`,
      };
    const outcome = await verifyFabricSignature(
      signer.identity.certificate,
      statementBytes(a.statement),
      fromBase64(a.signature),
    );
    if (outcome !== 'VALID')
      return { ok: false, reason: 'ATTESTATION_SIGNATURE_INVALID', detail: `${who}: ${outcome}` };
    codes.add(entry.validationCode);
    if (!valid.some((v) => v.identity?.key === signer.identity.key)) {
      valid.push(signer);
      attesters.push(who);
    }
  }
  if (!config || valid.length === 0)
    return { ok: false, reason: 'NO_ATTESTATION', detail: 'no statement names this transaction' };
  if (codes.size > 1)
    return {
      ok: false,
      reason: 'ATTESTATIONS_DISAGREE',
      detail: [...codes].map(validationCodeName).join(' / '),
    };
  const policy = trustRoot.attestation;
  const satisfied = await satisfiesSignaturePolicy(
    config.msps,
    {
      version: 0,
      rule: { n: policy.required, rules: policy.of.map((_, i) => ({ signedBy: i })) },
      identities: policy.of.map((p) => ({
        classification: 0,
        principal: encodeFields([
          { number: 1, text: p.mspId },
          { number: 2, int: ROLE_NUMBER[p.role] },
        ]),
      })),
    },
    valid,
  );
  if (!satisfied)
    return {
      ok: false,
      reason: 'ATTESTATION_POLICY_NOT_SATISFIED',
      detail: `stated by ${attesters.join(', ')}; needed ${policy.required} of ${policy.of.map((p) => `${p.mspId}.${p.role}`).join(', ')}`,
    };
  const [code] = [...codes] as [number];
  if (code !== 0)
    return {
      ok: false,
      reason: 'TX_INVALID',
      detail: `the peers recorded ${validationCodeName(code)}`,
      code,
    };
  return { ok: true, attesters };
}
