/**
 * Who signed, as an identity a name cannot forge: the listed authority that validated the
 * signer's path (its id and the SHA-256 of its public key) and the signer certificate's
 * issuer and subject names exactly as encoded (DER), each field length-prefixed, hashed.
 *
 * - Another authority naming the same trader (an impostor CA with the real CA's name, listed
 *   by anyone) gives another id; so does the same authority id re-listed with another key.
 * - Names are compared as DER bytes, never as text: a one-RDN CN spelling
 *   "HK Trader, O=…, C=HK" is not the multi-RDN name it imitates.
 * - A renewed certificate (new key, new serial) from the same CA under the same listed
 *   authority with the same subject keeps the id, so a trader keeps their declarations. A
 *   name change, another issuing CA or a re-keyed authority makes a new principal (the cost
 *   of not trusting names alone).
 */
import { toHex } from '@clearance/core';
import { sha256 } from './crypto';
import type { ParsedCertificate } from './x509';

const TAG = new TextEncoder().encode('clearance-signer-id/v1');

function lengthPrefixed(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.length);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

/** The signer's id: 64 hex digits (see above). */
export async function signerIdOf(
  authorityId: string,
  authority: ParsedCertificate,
  signer: ParsedCertificate,
): Promise<string> {
  const fields = [
    TAG,
    new TextEncoder().encode(authorityId),
    await sha256(authority.spki),
    signer.issuerName,
    signer.subjectName,
  ];
  return toHex(await sha256(lengthPrefixed(fields)));
}
