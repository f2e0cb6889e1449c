/**
 * Signature checks on WebCrypto, which Node (the chaincode, the gateway) and browsers (the
 * portal) both have, so all three verify with the same code.
 */
import type { webcrypto } from 'node:crypto';
import { LedgerError } from '../shared/errors';
import { childrenOf, readTlv } from './der';
import { sm2Verify } from './sm2';
import type { ParsedCertificate } from './x509';

export const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  p256: '1.2.840.10045.3.1.7',
  sm3WithSm2: '1.2.156.10197.1.501',
  /** SM2 signature (GB/T 35275 writes it as the CMS signatureAlgorithm). */
  sm2Sign: '1.2.156.10197.1.301.1',
  sm2Curve: '1.2.156.10197.1.301',
  sm3: '1.2.156.10197.1.401',
} as const;

/** RSA moduli the profile accepts, in bits. */
export const RSA_MODULUS_BITS = { min: 2048, max: 8192 } as const;

// Type-only: the same global exists in browsers.
export type CryptoKey = webcrypto.CryptoKey;
const subtle = (): webcrypto.SubtleCrypto => globalThis.crypto.subtle;

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

/** DER ECDSA-Sig-Value (SEQUENCE of r, s) to the fixed-width r||s WebCrypto expects. */
export function ecdsaDerToRaw(der: Uint8Array, size = 32): Uint8Array {
  const out = new Uint8Array(size * 2);
  let offset = 2 + (der[1] === 0x81 ? 1 : 0);
  for (let i = 0; i < 2; i++) {
    if (der[offset] !== 0x02) throw new Error('bad ECDSA signature');
    const length = der[offset + 1] ?? 0;
    let value = der.subarray(offset + 2, offset + 2 + length);
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    out.set(value, i * size + (size - value.length));
    offset += 2 + length;
  }
  return out;
}

/** Raw r||s to DER, for signatures WebCrypto makes that X.509 and CMS carry. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const integer = (v: Uint8Array): number[] => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = Array.from(v.subarray(i));
    if ((body[0] ?? 0) & 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const seq = [...integer(raw.subarray(0, half)), ...integer(raw.subarray(half))];
  return new Uint8Array([0x30, seq.length, ...seq]);
}

// Imported verification keys by parsed certificate (the same bytes parse to the same object):
// a trader's key verifies every filing. A certificate's key has one algorithm.
const importedKeys = new WeakMap<ParsedCertificate, CryptoKey>();

async function publicKey(
  cert: ParsedCertificate,
  algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams,
): Promise<CryptoKey> {
  const cached = importedKeys.get(cert);
  if (cached) return cached;
  const key = await subtle().importKey('spki', cert.spki, algorithm, false, ['verify']);
  importedKeys.set(cert, key);
  return key;
}

/**
 * Verifies `signature` over `data` with the key of `signer`. `algorithm` is the signature
 * algorithm OID (or rsaEncryption with SHA-256 as CMS often writes it).
 */
export async function verifySignature(
  signer: ParsedCertificate,
  algorithm: string,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  try {
    if (algorithm === OID.sm3WithSm2 || algorithm === OID.sm2Sign) {
      if (keyKind(signer) !== 'SM2') return false;
      return sm2Verify(signer.publicKey, data, signature);
    }
    if (algorithm === OID.sha256WithRSA || algorithm === OID.rsaEncryption) {
      if (signer.keyAlgorithm !== OID.rsaEncryption) return false;
      const key = await publicKey(signer, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' });
      return await subtle().verify('RSASSA-PKCS1-v1_5', key, signature, data);
    }
    if (algorithm === OID.ecdsaWithSha256) {
      if (signer.keyAlgorithm !== OID.ecPublicKey || signer.keyCurve !== OID.p256) return false;
      const key = await publicKey(signer, { name: 'ECDSA', namedCurve: 'P-256' });
      return await subtle().verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        key,
        ecdsaDerToRaw(signature),
        data,
      );
    }
  } catch {
    return false; // a key or signature WebCrypto cannot read does not verify
  }
  throw new LedgerError(
    'SIGNATURE_INVALID',
    `signature algorithm ${algorithm} is not supported`,
    'ALGORITHM_UNSUPPORTED',
  );
}

export type KeyKind = 'RSA' | 'P-256' | 'SM2';

/** The profile's name for a certificate's key, or undefined when it is outside the profile. */
export function keyKind(cert: ParsedCertificate): KeyKind | undefined {
  if (cert.keyAlgorithm === OID.rsaEncryption) {
    const bits = rsaModulusBits(cert.publicKey);
    return bits && bits >= RSA_MODULUS_BITS.min && bits <= RSA_MODULUS_BITS.max ? 'RSA' : undefined;
  }
  if (cert.keyAlgorithm === OID.ecPublicKey && cert.keyCurve === OID.p256) return 'P-256';
  if (
    (cert.keyAlgorithm === OID.ecPublicKey || cert.keyAlgorithm === OID.sm2Curve) &&
    cert.keyCurve === OID.sm2Curve
  )
    return 'SM2';
  return undefined;
}

/** The size of an RSA modulus (RSAPublicKey DER), or undefined when it cannot be read. */
function rsaModulusBits(rsaPublicKey: Uint8Array): number | undefined {
  try {
    const [modulus] = childrenOf(rsaPublicKey, readTlv(rsaPublicKey, 0));
    if (!modulus || modulus.tag !== 0x02) return undefined;
    let start = modulus.contentStart;
    while (start < modulus.end && rsaPublicKey[start] === 0) start++;
    const first = rsaPublicKey[start] ?? 0;
    return (modulus.end - start - 1) * 8 + (first === 0 ? 0 : Math.floor(Math.log2(first)) + 1);
  } catch {
    return undefined;
  }
}

/** The signature algorithm the profile names for what a key signs, as the evidence records it. */
export function signatureAlgorithmName(kind: KeyKind): string {
  return kind === 'RSA'
    ? 'sha256WithRSAEncryption'
    : kind === 'SM2'
      ? 'SM3withSM2'
      : 'ecdsa-with-SHA256';
}
