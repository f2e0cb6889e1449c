/**
 * SM2 digital signatures (GB/T 32918.2-2016) on the curve sm2p256v1 (GB/T 32918.5), with the
 * user ID in the Z value. The curve arithmetic is @noble/curves' audited generic short
 * Weierstrass code given the SM2 parameters; the signature scheme itself (Z, e, r, s) is
 * written here from the standard. Pure: the chaincode, the gateway and the browser run it.
 */
import { weierstrassN, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass';
import { invert, mod } from '@noble/curves/abstract/modular';
import { readTlv, childrenOf } from './der';
import { BoundedCache, bytesKey } from './memo';
import { sm3 } from './sm3';
import { tryParseOid } from './x509';

/** The default user ID of GB/T 32918 and GM/T 0009 (also OpenSSL's default). */
export const SM2_DEFAULT_USER_ID: Uint8Array = new TextEncoder().encode('1234567812345678');

const CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};
const Point = weierstrassN<bigint>(CURVE);
type Sm2Point = WeierstrassPoint<bigint>;
const N = CURVE.n;

const toBig = (b: Uint8Array): bigint => {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
};
const to32 = (v: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
};

/** Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), binding the signer's ID and key. */
export function sm2Z(publicKey: Sm2Point, userId: Uint8Array = SM2_DEFAULT_USER_ID): Uint8Array {
  if (userId.length > 8191) throw new Error('SM2 user ID longer than 8191 bytes');
  const bits = userId.length * 8;
  const { x, y } = publicKey.toAffine();
  return sm3(
    Uint8Array.of(bits >> 8, bits & 0xff),
    userId,
    to32(CURVE.a),
    to32(CURVE.b),
    to32(CURVE.Gx),
    to32(CURVE.Gy),
    to32(x),
    to32(y),
  );
}

interface VerifyingKey {
  point: Sm2Point;
  z: Uint8Array;
  /** Signatures it verified; its wNAF tables are made at the second. */
  verified: number;
}

// A trader's key verifies every filing: the decoded point and the Z of the default ID are
// kept by key bytes, for the 128 keys seen last. Its wNAF tables (window 6: 1376 points,
// some 300 kB, a third off each verification) cost some 25 verifications to make, so only a
// key that has verified twice gets them: a key seen once (anyone's fresh key, a look-alike
// CA's that verifies nothing) costs one plain verification, never the tables.
const verifyingKeys = new BoundedCache<VerifyingKey>(128);
const TABLES_AFTER = 2;

function verifyingKey(publicKey: Uint8Array, userId: Uint8Array): VerifyingKey {
  const isDefault = userId === SM2_DEFAULT_USER_ID;
  const key = bytesKey(publicKey);
  const cached = isDefault ? verifyingKeys.get(key) : undefined;
  if (cached) return cached;
  const point = Point.fromHex(publicKey); // checks the point is on the curve
  if (point.is0()) throw new Error('SM2 public key is the point at infinity');
  const made = { point, z: sm2Z(point, userId), verified: 0 };
  if (isDefault) verifyingKeys.set(key, made);
  return made;
}

/** DER SM2Signature ::= SEQUENCE { r INTEGER, s INTEGER } to r and s; throws on anything else. */
export function decodeSm2Signature(der: Uint8Array): { r: bigint; s: bigint } {
  const seq = readTlv(der, 0);
  if (seq.tag !== 0x30 || seq.end !== der.length) throw new Error('not an SM2 signature');
  const parts = childrenOf(der, seq);
  if (parts.length !== 2) throw new Error('not an SM2 signature');
  const [r, s] = parts.map((t) => {
    const body = der.subarray(t.contentStart, t.end);
    if (t.tag !== 0x02 || body.length === 0 || body.length > 33 || (body[0] as number) & 0x80)
      throw new Error('not an SM2 signature');
    return toBig(body);
  }) as [bigint, bigint];
  return { r, s };
}

function encodeSm2Signature(r: bigint, s: bigint): Uint8Array {
  const integer = (v: bigint): number[] => {
    let body = Array.from(to32(v));
    while (body.length > 1 && body[0] === 0) body = body.slice(1);
    if ((body[0] as number) & 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const seq = [...integer(r), ...integer(s)];
  return Uint8Array.from([0x30, seq.length, ...seq]);
}

/**
 * Verifies a DER SM2 signature over `message` with the uncompressed (or compressed) public
 * key point, as GB/T 32918.2 §7: e = SM3(Z || M), (x1, y1) = s·G + (r + s)·P, r = e + x1.
 * False for a signature that does not verify or cannot be read.
 */
export function sm2Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  userId: Uint8Array = SM2_DEFAULT_USER_ID,
): boolean {
  let key: VerifyingKey;
  let r: bigint;
  let s: bigint;
  try {
    key = verifyingKey(publicKey, userId);
    ({ r, s } = decodeSm2Signature(signature));
  } catch {
    return false;
  }
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const e = toBig(sm3(key.z, message));
  const sum = Point.BASE.multiplyUnsafe(s).add(key.point.multiplyUnsafe(t));
  if (sum.is0()) return false;
  const valid = mod(e + sum.toAffine().x, N) === r;
  if (valid && ++key.verified === TABLES_AFTER) key.point.precompute(6);
  return valid;
}

/** The public key point (uncompressed, 65 bytes) of a private key. */
export function sm2PublicKey(privateKey: Uint8Array): Uint8Array {
  return Point.BASE.multiply(scalar(privateKey)).toBytes(false);
}

function scalar(privateKey: Uint8Array): bigint {
  const d = toBig(privateKey);
  // d = n - 1 is excluded: the signature needs (1 + d)^-1 mod n.
  if (privateKey.length !== 32 || d < 1n || d >= N - 1n) throw new Error('not an SM2 private key');
  return d;
}

function randomScalar(): bigint {
  // 48 random bytes reduced mod n - 1, plus 1: uniform in [1, n - 1] up to 2^-128.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(48));
  return mod(toBig(bytes), N - 1n) + 1n;
}

/** Signs `message` (GB/T 32918.2 §6) and returns the DER signature. */
export function sm2Sign(
  privateKey: Uint8Array,
  message: Uint8Array,
  userId: Uint8Array = SM2_DEFAULT_USER_ID,
): Uint8Array {
  const d = scalar(privateKey);
  const publicPoint = Point.BASE.multiply(d);
  const e = toBig(sm3(sm2Z(publicPoint, userId), message));
  const dInverse = invert(1n + d, N);
  for (;;) {
    const k = randomScalar();
    const x1 = Point.BASE.multiply(k).toAffine().x;
    const r = mod(e + x1, N);
    if (r === 0n || r + k === N) continue;
    const s = mod(dInverse * (k - r * d), N);
    if (s === 0n) continue;
    return encodeSm2Signature(r, s);
  }
}

/**
 * A private SM2 key that can sign but not be read back (WebCrypto has no SM2, so this stands
 * in for a non-extractable CryptoKey): the scalar lives only in the closure.
 */
export interface Sm2SigningKey {
  readonly algorithm: { readonly name: 'SM2' };
  /** Uncompressed public key point. */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array, userId?: Uint8Array): Uint8Array;
}

export function sm2SigningKey(privateKey: Uint8Array): Sm2SigningKey {
  const d = privateKey.slice();
  const publicKey = sm2PublicKey(d);
  return Object.freeze({
    algorithm: Object.freeze({ name: 'SM2' as const }),
    publicKey,
    sign: (message: Uint8Array, userId?: Uint8Array) => sm2Sign(d, message, userId),
  });
}

export function isSm2SigningKey(key: unknown): key is Sm2SigningKey {
  return (
    typeof key === 'object' &&
    key !== null &&
    (key as { algorithm?: { name?: unknown } }).algorithm?.name === 'SM2' &&
    typeof (key as { sign?: unknown }).sign === 'function'
  );
}

/** A fresh random SM2 private key (32 bytes), for tests and key generation. */
export function sm2RandomPrivateKey(): Uint8Array {
  return to32(mod(randomScalar(), N - 1n) || 1n);
}

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
/** sm2p256v1, the SM2 curve (also written as the key algorithm by some encoders). */
export const OID_SM2_CURVE = '1.2.156.10197.1.301';

/**
 * The private scalar of an SM2 key in PKCS#8 PrivateKeyInfo (id-ecPublicKey or id-sm2 with
 * the sm2p256v1 curve) or SEC1 ECPrivateKey DER. Throws unless it is an SM2 key.
 */
export function sm2PrivateKeyFromDer(der: Uint8Array): Uint8Array {
  const top = readTlv(der, 0);
  if (top.tag !== 0x30 || top.end !== der.length) throw new Error('not a private key');
  const fields = childrenOf(der, top);
  const [version, second, third] = fields;
  const slice = (t: { start: number; end: number }) => der.subarray(t.start, t.end);
  if (version?.tag === 0x02 && second?.tag === 0x30 && third?.tag === 0x04) {
    // PrivateKeyInfo: version 0, AlgorithmIdentifier, OCTET STRING(ECPrivateKey)
    const [alg, curve] = childrenOf(der, second).map((t) => tryParseOid(slice(t)));
    if (!((alg === OID_EC_PUBLIC_KEY && curve === OID_SM2_CURVE) || alg === OID_SM2_CURVE))
      throw new Error(`not an SM2 key (${alg ?? '?'} ${curve ?? ''})`);
    return sm2PrivateKeyFromDer(der.slice(third.contentStart, third.end));
  }
  if (version?.tag === 0x02 && second?.tag === 0x04) {
    // ECPrivateKey: version 1, privateKey OCTET STRING, [0] parameters, [1] publicKey
    const params = fields.find((f) => f.tag === 0xa0);
    if (params) {
      const curve = childrenOf(der, params)[0];
      if (!curve || tryParseOid(slice(curve)) !== OID_SM2_CURVE)
        throw new Error('not a key on the SM2 curve');
    }
    const raw = der.subarray(second.contentStart, second.end);
    if (raw.length > 32) throw new Error('not an SM2 private key');
    const out = new Uint8Array(32);
    out.set(raw, 32 - raw.length);
    scalar(out); // in range
    return out;
  }
  throw new Error('not a PKCS#8 or SEC1 private key');
}
