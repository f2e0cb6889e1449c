/**
 * Opens a trader's PKCS#12 file in the browser: node-forge decrypts the bags (it knows the
 * PKCS#12 key derivation and the old ciphers WebCrypto lacks), then the private key goes
 * into WebCrypto as a non-extractable key. Nothing here touches the network.
 */
import {
  keyKind,
  parseCertificate,
  pemToDer,
  sm2PrivateKeyFromDer,
  sm2SigningKey,
  type KeyKind,
  type Sm2SigningKey,
} from '@clearance/domain';
import forge from 'node-forge';

export type Pkcs12ErrorCode =
  | 'P12_UNREADABLE'
  | 'P12_WRONG_PASSWORD'
  | 'P12_NO_KEY'
  | 'P12_KEY_UNSUPPORTED'
  | 'P12_KEY_MISMATCH';

export class Pkcs12Error extends Error {
  constructor(
    readonly code: Pkcs12ErrorCode,
    detail: string,
  ) {
    super(detail);
    this.name = 'Pkcs12Error';
  }
}

/** WebCrypto's key type, whichever global typings (DOM or Node) are in use. */
type WebCryptoKey =
  Awaited<ReturnType<typeof globalThis.crypto.subtle.generateKey>> extends infer K
    ? K extends { privateKey: infer P }
      ? P
      : never
    : never;

/** What signing needs, and what the portal shows about the certificate. */
export interface Credential {
  certificate: Uint8Array;
  /** A non-extractable WebCrypto key (RSA, ECDSA P-256), or an SM2 key held in a closure. */
  privateKey: WebCryptoKey | Sm2SigningKey;
  /** The key type: RSA, P-256 or SM2 (signatures SHA-256 with RSA or ECDSA, or SM3withSM2). */
  keyKind: KeyKind;
  subject: string;
  issuer: string;
  notAfter: Date;
}

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
const OID_SM2 = '1.2.156.10197.1.301';

const toBytes = (binary: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(binary, (c) => c.charCodeAt(0));
const toBinary = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

interface Bag {
  key?: forge.pki.PrivateKey | null;
  cert?: forge.pki.Certificate | null;
  asn1?: forge.asn1.Asn1;
  attributes: Record<string, unknown[]>;
}

/** A PrivateKeyInfo (PKCS#8) as DER, whichever key type forge understood. */
function pkcs8Der(bag: Bag): Uint8Array<ArrayBuffer> {
  if (bag.key) {
    const info = forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key));
    return toBytes(forge.asn1.toDer(info).getBytes());
  }
  if (bag.asn1) return toBytes(forge.asn1.toDer(bag.asn1).getBytes());
  throw new Pkcs12Error('P12_NO_KEY', 'the key bag holds no key');
}

/** The key algorithm and curve named in a PrivateKeyInfo. */
function keyAlgorithm(
  pkcs8: Uint8Array,
): { name: string; hash?: string; namedCurve?: string } | 'SM2' {
  const info = forge.asn1.fromDer(toBinary(pkcs8));
  const algorithm = (info.value as forge.asn1.Asn1[])[1]?.value as forge.asn1.Asn1[] | undefined;
  const oid = (i: number) => {
    const node = algorithm?.[i];
    return node && node.type === forge.asn1.Type.OID
      ? forge.asn1.derToOid(node.value as string)
      : undefined;
  };
  if (oid(0) === OID_RSA) return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (oid(0) === OID_EC && oid(1) === OID_P256) return { name: 'ECDSA', namedCurve: 'P-256' };
  if ((oid(0) === OID_EC && oid(1) === OID_SM2) || oid(0) === OID_SM2) return 'SM2';
  throw new Pkcs12Error(
    'P12_KEY_UNSUPPORTED',
    `key algorithm ${oid(0) ?? 'unknown'} ${oid(1) ?? ''} is not supported (RSA, ECDSA P-256 or SM2)`.trim(),
  );
}

function certificateDer(bag: Bag): Uint8Array | undefined {
  if (bag.cert) return toBytes(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes());
  if (bag.asn1) return toBytes(forge.asn1.toDer(bag.asn1).getBytes());
  return undefined;
}

function sameKeyId(a: Bag, b: Bag): boolean {
  const x = a.attributes.localKeyId?.[0];
  const y = b.attributes.localKeyId?.[0];
  return x !== undefined && x === y;
}

/** PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData OPTIONAL } */
function looksLikePfx(asn1: forge.asn1.Asn1): boolean {
  const parts = asn1.value;
  if (asn1.type !== forge.asn1.Type.SEQUENCE || !Array.isArray(parts)) return false;
  const [version, authSafe] = parts;
  return (
    version?.type === forge.asn1.Type.INTEGER &&
    version.value === '\x03' &&
    authSafe?.type === forge.asn1.Type.SEQUENCE
  );
}

/** Opens `file` (the .p12 / .pfx bytes) with `password`. */
export async function openPkcs12(file: Uint8Array, password: string): Promise<Credential> {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(toBinary(file));
  } catch {
    throw new Pkcs12Error('P12_UNREADABLE', 'the file is not a PKCS#12 (.p12 / .pfx) file');
  }
  if (!looksLikePfx(asn1))
    throw new Pkcs12Error('P12_UNREADABLE', 'the file is not a PKCS#12 (.p12 / .pfx) file');
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password);
  } catch (error) {
    // A well-formed PFX that will not open: its MAC or a bag failed with this password.
    throw new Pkcs12Error(
      'P12_WRONG_PASSWORD',
      error instanceof Error ? error.message : String(error),
    );
  }
  const bagsOf = (bagType: string) => (p12.getBags({ bagType })[bagType] ?? []) as Bag[];
  const keys = [
    ...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag as string),
    ...bagsOf(forge.pki.oids.keyBag as string),
  ];
  const keyBag = keys[0];
  if (!keyBag) throw new Pkcs12Error('P12_NO_KEY', 'the file holds no private key');
  const certs = bagsOf(forge.pki.oids.certBag as string);
  const certBag = certs.find((c) => sameKeyId(c, keyBag)) ?? certs[0];
  const certificate = certBag && certificateDer(certBag);
  if (!certificate) throw new Pkcs12Error('P12_NO_KEY', 'the file holds no certificate');

  return credentialFrom(pkcs8Der(keyBag), certificate);
}

/** The signing key of a PrivateKeyInfo (wiped after import) with its certificate. */
async function credentialFrom(
  pkcs8: Uint8Array<ArrayBuffer>,
  certificate: Uint8Array,
): Promise<Credential> {
  let privateKey: WebCryptoKey | Sm2SigningKey;
  try {
    const algorithm = keyAlgorithm(pkcs8);
    if (algorithm === 'SM2') {
      const scalar = sm2PrivateKeyFromDer(pkcs8);
      privateKey = sm2SigningKey(scalar);
      scalar.fill(0);
    } else {
      // Not extractable: once imported, the key can sign but cannot be read back.
      privateKey = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, [
        'sign',
      ]);
    }
  } catch (error) {
    if (error instanceof Pkcs12Error) throw error;
    throw new Pkcs12Error('P12_KEY_UNSUPPORTED', `the key cannot be used: ${String(error)}`);
  } finally {
    pkcs8.fill(0);
  }
  let parsed: ReturnType<typeof parseCertificate>;
  try {
    parsed = parseCertificate(certificate);
  } catch {
    throw new Pkcs12Error('P12_UNREADABLE', 'the certificate is not an X.509 certificate');
  }
  const kind = keyKind(parsed);
  if (!kind) throw new Pkcs12Error('P12_KEY_UNSUPPORTED', 'the certificate key is not supported');
  if ('sign' in privateKey && !sameBytes(privateKey.publicKey, parsed.publicKey))
    throw new Pkcs12Error('P12_KEY_MISMATCH', 'the key does not belong to the certificate');
  return {
    certificate,
    privateKey,
    keyKind: kind,
    subject: parsed.subject,
    issuer: parsed.issuer,
    notAfter: parsed.notAfter,
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

const isPem = (file: Uint8Array) =>
  new TextDecoder().decode(file.subarray(0, 64)).includes('-----BEGIN');

/**
 * Opens a PKCS#8 private key file (PEM or DER, "PRIVATE KEY" or password-protected
 * "ENCRYPTED PRIVATE KEY") with the trader's certificate file (PEM or DER), as mainland
 * CAs often hand out SM2 keys. The key must belong to the certificate.
 */
export async function openPkcs8(
  keyFile: Uint8Array,
  certificateFile: Uint8Array,
  password = '',
): Promise<Credential> {
  let der: Uint8Array;
  let certificate: Uint8Array;
  try {
    der = isPem(keyFile) ? pemToDer(new TextDecoder().decode(keyFile)) : keyFile.slice();
    certificate = isPem(certificateFile)
      ? pemToDer(new TextDecoder().decode(certificateFile))
      : certificateFile.slice();
  } catch {
    throw new Pkcs12Error('P12_UNREADABLE', 'the files are not a PKCS#8 key and a certificate');
  }
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(toBinary(der));
  } catch {
    throw new Pkcs12Error('P12_UNREADABLE', 'the key file is not a PKCS#8 private key');
  }
  // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }
  const parts = asn1.value as forge.asn1.Asn1[];
  if (
    parts[0]?.type === forge.asn1.Type.SEQUENCE &&
    parts[1]?.type === forge.asn1.Type.OCTETSTRING
  ) {
    let info: forge.asn1.Asn1 | null = null;
    try {
      info = forge.pki.decryptPrivateKeyInfo(asn1, password);
    } catch {
      info = null;
    }
    if (!info)
      throw new Pkcs12Error('P12_WRONG_PASSWORD', 'the key file does not open with this password');
    der = toBytes(forge.asn1.toDer(info).getBytes());
  }
  return credentialFrom(Uint8Array.from(der), certificate);
}
