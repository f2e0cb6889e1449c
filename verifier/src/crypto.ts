/**
 * Hashes and Fabric signatures on WebCrypto (Node and browsers alike). Fabric signs
 * SHA-256 of the message with ECDSA and accepts only low-S signatures (s <= n/2), so a
 * signature cannot be turned into a second valid one; the verifier refuses a high S too.
 */
import { OID, type ParsedCertificate } from '@clearance/domain';

const subtle = () => globalThis.crypto.subtle;
/** A WebCrypto key (typed from the global, so Node's and the DOM's typings both fit). */
type Key = Awaited<ReturnType<ReturnType<typeof subtle>['importKey']>>;
/** WebCrypto's typings want ArrayBuffer-backed views; ours always are. */
const view = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', view(data)));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const P384 = '1.3.132.0.34';
const CURVES: Record<string, { name: 'P-256' | 'P-384'; size: number; order: bigint }> = {
  [OID.p256]: {
    name: 'P-256',
    size: 32,
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  [P384]: {
    name: 'P-384',
    size: 48,
    order:
      0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
};

const toBigInt = (bytes: Uint8Array): bigint => bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);

function toFixed(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** r and s of a DER ECDSA-Sig-Value, or undefined when it is not exactly one. */
export function decodeEcdsaSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  const readLength = (at: number): [number, number] | undefined => {
    const first = der[at];
    if (first === undefined) return undefined;
    if (first < 0x80) return [first, at + 1];
    if (first === 0x81 && (der[at + 1] ?? 0) >= 0x80) return [der[at + 1] as number, at + 2];
    return undefined;
  };
  if (der[0] !== 0x30) return undefined;
  const seq = readLength(1);
  if (!seq || seq[0] + seq[1] !== der.length) return undefined;
  let at = seq[1];
  const ints: bigint[] = [];
  for (let i = 0; i < 2; i++) {
    if (der[at] !== 0x02) return undefined;
    const len = readLength(at + 1);
    if (!len || len[0] === 0 || len[1] + len[0] > der.length) return undefined;
    const body = der.subarray(len[1], len[1] + len[0]);
    // Minimal, positive INTEGERs only (a signature has one encoding).
    if ((body[0] as number) & 0x80) return undefined;
    if (body.length > 1 && body[0] === 0 && ((body[1] as number) & 0x80) === 0) return undefined;
    ints.push(toBigInt(body));
    at = len[1] + len[0];
  }
  if (at !== der.length) return undefined;
  return { r: ints[0] as bigint, s: ints[1] as bigint };
}

export type SignatureOutcome = 'VALID' | 'INVALID' | 'HIGH_S' | 'UNSUPPORTED_KEY';

const keys = new WeakMap<ParsedCertificate, Key>();

/**
 * Checks a Fabric signature: ECDSA over SHA-256 of `message` by the certificate's key
 * (P-256 or P-384), DER-encoded, with a low S.
 */
export async function verifyFabricSignature(
  cert: ParsedCertificate,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<SignatureOutcome> {
  const curve = cert.keyAlgorithm === OID.ecPublicKey ? CURVES[cert.keyCurve ?? ''] : undefined;
  if (!curve) return 'UNSUPPORTED_KEY';
  const rs = decodeEcdsaSignature(signature);
  if (!rs || rs.r <= 0n || rs.s <= 0n || rs.r >= curve.order || rs.s >= curve.order)
    return 'INVALID';
  if (rs.s > curve.order >> 1n) return 'HIGH_S';
  let key = keys.get(cert);
  try {
    if (!key) {
      key = await subtle().importKey(
        'spki',
        view(cert.spki),
        { name: 'ECDSA', namedCurve: curve.name },
        false,
        ['verify'],
      );
      keys.set(cert, key);
    }
    const raw = concat(toFixed(rs.r, curve.size), toFixed(rs.s, curve.size));
    return (await subtle().verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      view(raw),
      view(message),
    ))
      ? 'VALID'
      : 'INVALID';
  } catch {
    return 'UNSUPPORTED_KEY';
  }
}

/**
 * The DER encoding Fabric hashes for a block header (protoutil.BlockHeaderBytes):
 * SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }.
 */
export function blockHeaderBytes(header: {
  number: bigint;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
}): Uint8Array {
  return derSequence([
    derTlv(0x02, derInteger(header.number)),
    derTlv(0x04, header.previousHash),
    derTlv(0x04, header.dataHash),
  ]);
}

function derInteger(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return Uint8Array.from(bytes);
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) out.unshift(l % 256);
  return [0x80 | out.length, ...out];
}

function derTlv(tag: number, body: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([tag, ...derLength(body.length)]), body);
}

function derSequence(parts: Uint8Array[]): Uint8Array {
  return derTlv(0x30, concat(...parts));
}
