/**
 * Whether a CA's key signed a certificate or CRL, remembered by the parsed objects: parsing
 * answers the same bytes with the same object (x509.ts), so the CAs of every filing's path
 * and their CRLs are checked once while they stay parsed.
 */
import { verifySignature } from './crypto';
import type { ParsedCertificate } from './x509';

type Signed = { signatureAlgorithm: string; signature: Uint8Array; tbs: Uint8Array };

const outcomes = new WeakMap<ParsedCertificate, WeakMap<object, boolean>>();

export async function signedBy(ca: ParsedCertificate, issued: Signed): Promise<boolean> {
  const checked = outcomes.get(ca) ?? new WeakMap<object, boolean>();
  outcomes.set(ca, checked);
  const cached = checked.get(issued);
  if (cached !== undefined) return cached;
  let valid: boolean;
  try {
    valid = await verifySignature(ca, issued.signatureAlgorithm, issued.signature, issued.tbs);
  } catch {
    valid = false; // an algorithm outside the profile does not make a path
  }
  checked.set(issued, valid);
  return valid;
}
