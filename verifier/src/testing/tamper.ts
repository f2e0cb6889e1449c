/**
 * Tools to tamper with Fabric messages the way an attacker would: rewrite a nested protobuf
 * field and re-encode every enclosing message, sign as a made-up identity, turn a low-S
 * signature into its high-S twin. Test support: not built.
 */
import { makeCertificate, newKey, type TestCertificate } from '@clearance/testkit/chaincode';
import { decodeEcdsaSignature } from '../crypto';
import { readFields, type Field } from '../protobuf';

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** Encodes fields as read by readFields (any wire type the reader knows). */
export function encodeRaw(fields: readonly Field[]): Uint8Array {
  const out: number[] = [];
  for (const f of fields) {
    out.push(...varint(BigInt(f.number * 8 + f.wire)));
    if (f.wire === 0) out.push(...varint(f.int ?? 0n));
    else if (f.wire === 2) {
      const body = f.bytes ?? new Uint8Array(0);
      out.push(...varint(BigInt(body.length)), ...body);
    } else {
      const size = f.wire === 1 ? 8 : 4;
      let v = f.int ?? 0n;
      for (let i = 0; i < size; i++) {
        out.push(Number(v & 0xffn));
        v >>= 8n;
      }
    }
  }
  return Uint8Array.from(out);
}

/** One step down: the `occurrence`-th field numbered `field`. */
export type Step = [field: number, occurrence?: number];

/**
 * Rewrites the message reached by `path` (field numbers from the outer message) with
 * `edit`, and re-encodes every message around it.
 */
export function rewrite(
  bytes: Uint8Array,
  path: readonly Step[],
  edit: (fields: Field[]) => Field[],
): Uint8Array {
  const fields = readFields(bytes);
  if (path.length === 0) return encodeRaw(edit(fields));
  const [[number, occurrence = 0], ...rest] = path as [Step, ...Step[]];
  let seen = 0;
  const out = fields.map((f) => {
    if (f.number !== number || seen++ !== occurrence) return f;
    return { ...f, bytes: rewrite(f.bytes ?? new Uint8Array(0), rest, edit) };
  });
  if (seen <= occurrence) throw new Error(`no field ${number} #${occurrence}`);
  return encodeRaw(out);
}

/** Path from an Envelope to its transaction's ChaincodeEndorsedAction. */
export const ENDORSED_ACTION: Step[] = [[1], [2], [1], [2], [2]];

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function derOf(r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint) => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    const bytes = hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
    if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
    return [0x02, bytes.length, ...bytes];
  };
  const body = [...int(r), ...int(s)];
  return Uint8Array.from([0x30, body.length, ...body]);
}

/** The other valid ECDSA signature of the same message (s → n − s): high S if it was low. */
export function highSTwin(signature: Uint8Array): Uint8Array {
  const rs = decodeEcdsaSignature(signature);
  if (!rs) throw new Error('not a DER ECDSA signature');
  return derOf(rs.r, P256_ORDER - rs.s);
}

/** Low-S DER signature, as Fabric makes them. */
export function lowS(signature: Uint8Array): Uint8Array {
  const rs = decodeEcdsaSignature(signature);
  if (!rs) throw new Error('not a DER ECDSA signature');
  return rs.s > P256_ORDER >> 1n ? derOf(rs.r, P256_ORDER - rs.s) : signature;
}

export interface MadeUpIdentity {
  certificate: TestCertificate;
  /** SerializedIdentity bytes naming `mspId`. */
  serialized: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/**
 * An identity claiming to be of `mspId` with node OU `ou`, issued by a CA of its own: what
 * someone without the organisation's CA key can make.
 */
export async function madeUpIdentity(mspId: string, ou: string): Promise<MadeUpIdentity> {
  const now = Date.now();
  const validity = {
    notBefore: new Date(now - 86_400_000 * 3650),
    notAfter: new Date(now + 86_400_000 * 3650),
  };
  const caKey = await newKey('P-256');
  const ca = await makeCertificate({
    subject: `CN=ca.${mspId.toLowerCase()}, O=${mspId}`,
    key: caKey,
    ...validity,
    ca: {},
    keyUsage: 32 | 64,
  });
  const key = await newKey('P-256');
  const certificate = await makeCertificate({
    subject: `CN=${ou}0.${mspId.toLowerCase()}, OU=${ou}, O=${mspId}`,
    key,
    issuer: ca,
    ...validity,
    keyUsage: 1,
  });
  const serialized = encodeRaw([
    { number: 1, wire: 2, bytes: new TextEncoder().encode(mspId) },
    { number: 2, wire: 2, bytes: new TextEncoder().encode(certificate.pem) },
  ]);
  return {
    certificate,
    serialized,
    sign: async (message) => lowS(await key.sign(message)),
  };
}
