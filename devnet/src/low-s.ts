/**
 * Low-S certificate signatures. Fabric 2.1.1 built with a current Go refuses a certificate
 * whose ECDSA signature has S above n/2 (its MSP "sanitizes" it and the chain then fails:
 * "x509: certificate signed by unknown authority"), and cryptogen writes about a third of
 * its certificates that way. (r, n − s) is the same signature's other valid form, so the
 * certificate stays valid and only its signatureValue changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Order of P-256, the curve of every devnet certificate (cryptogen and officers.ts). */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

interface Tlv {
  tag: number;
  /** Offsets of the tag, of the content and of the byte after it. */
  offset: number;
  start: number;
  end: number;
}

function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset] as number;
  let len = der[offset + 1] as number;
  let start = offset + 2;
  if (len & 0x80) {
    const bytes = len & 0x7f;
    len = 0;
    for (let i = 0; i < bytes; i++) len = len * 256 + (der[start + i] as number);
    start += bytes;
  }
  if (start + len > der.length) throw new Error('truncated DER');
  return { tag, offset, start, end: start + len };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; at = (out[out.length - 1] as Tlv).end) {
    out.push(readTlv(der, at));
  }
  return out;
}

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len =
    n < 0x80
      ? Buffer.from([n])
      : Buffer.concat([Buffer.from([0x80 | Math.ceil(n.toString(16).length / 2)]), hexBytes(n)]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

function hexBytes(n: number | bigint): Buffer {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

function derInteger(value: bigint): Buffer {
  const bytes = hexBytes(value);
  return tlv(0x02, (bytes[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

interface CertSignature {
  tbs: Buffer;
  algorithm: Buffer;
  r: bigint;
  s: bigint;
}

function parseCertificate(der: Buffer): CertSignature {
  const cert = readTlv(der, 0);
  const [tbs, algorithm, value] = children(der, cert);
  if (!tbs || !algorithm || !value || value.tag !== 0x03)
    throw new Error('not an X.509 certificate');
  // BIT STRING: one byte of unused bits (0), then ECDSA-Sig-Value ::= SEQUENCE { r, s }.
  const sig = readTlv(der, value.start + 1);
  const [r, s] = children(der, sig);
  if (!r || !s) throw new Error('not an ECDSA signature');
  const int = (t: Tlv): bigint =>
    BigInt(`0x${der.subarray(t.start, t.end).toString('hex') || '0'}`);
  return {
    tbs: der.subarray(tbs.offset, tbs.end),
    algorithm: der.subarray(algorithm.offset, algorithm.end),
    r: int(r),
    s: int(s),
  };
}

/** The S of a certificate's signature (for tests and checks). */
export function signatureS(der: Buffer): bigint {
  return parseCertificate(der).s;
}

/** The certificate with S replaced by `map(S)`, everything else byte for byte. */
export function withSignatureS(der: Buffer, map: (s: bigint, n: bigint) => bigint): Buffer {
  const { tbs, algorithm, r, s } = parseCertificate(der);
  const sig = tlv(0x30, Buffer.concat([derInteger(r), derInteger(map(s, P256_N))]));
  const bitString = tlv(0x03, Buffer.concat([Buffer.from([0]), sig]));
  return tlv(0x30, Buffer.concat([tbs, algorithm, bitString]));
}

export function lowSCertificate(der: Buffer): Buffer {
  return withSignatureS(der, (s, n) => (s > n / 2n ? n - s : s));
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text in low-S form; anything else unchanged. */
export function lowSPem(pem: string): string {
  return pem.replace(PEM_CERT, (all: string, body: string) => {
    const original = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    const der = lowSCertificate(original);
    if (der.equals(original)) return all;
    const lines = der
      .toString('base64')
      .replace(/(.{64})/g, '$1\n')
      .replace(/\n$/, '');
    return `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----`;
  });
}

/** Rewrites every certificate file under `dir` that has a high S; returns how many. */
export function normaliseCertificates(dir: string): number {
  let changed = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      changed += normaliseCertificates(full);
      continue;
    }
    if (!entry.isFile() || !/\.(pem|crt)$/.test(entry.name)) continue;
    const text = fs.readFileSync(full, 'utf8');
    if (!text.includes('BEGIN CERTIFICATE')) continue;
    const low = lowSPem(text);
    if (low !== text) {
      fs.writeFileSync(full, low);
      changed++;
    }
  }
  return changed;
}
