/**
 * SM3 (GB/T 32905-2016, ISO/IEC 10118-3), written from the standard: the digest of SM2
 * signatures and of GB/T 35275 CMS. WebCrypto has no SM3, so the chaincode, the gateway and
 * the browser run this same code. Checked against the standard's test vectors and OpenSSL.
 */

const IV = [
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
];

const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;
const p0 = (x: number): number => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const p1 = (x: number): number => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;

// T_j rotated left by j mod 32, as the compression function uses it.
const T_ROTATED = Array.from({ length: 64 }, (_, j) =>
  rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32),
);

function compress(v: Uint32Array, block: Uint8Array, offset: number, w: Uint32Array): void {
  for (let j = 0; j < 16; j++) {
    const i = offset + 4 * j;
    w[j] =
      (((block[i] as number) << 24) |
        ((block[i + 1] as number) << 16) |
        ((block[i + 2] as number) << 8) |
        (block[i + 3] as number)) >>>
      0;
  }
  for (let j = 16; j < 68; j++) {
    const x = (w[j - 16] as number) ^ (w[j - 9] as number) ^ rotl(w[j - 3] as number, 15);
    w[j] = (p1(x >>> 0) ^ rotl(w[j - 13] as number, 7) ^ (w[j - 6] as number)) >>> 0;
  }
  let a = v[0] as number;
  let b = v[1] as number;
  let c = v[2] as number;
  let d = v[3] as number;
  let e = v[4] as number;
  let f = v[5] as number;
  let g = v[6] as number;
  let h = v[7] as number;
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + (T_ROTATED[j] as number)) >>> 0, 7);
    const ss2 = (ss1 ^ a12) >>> 0;
    const wj = w[j] as number;
    const wj1 = (wj ^ (w[j + 4] as number)) >>> 0;
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
    const tt1 = ((ff >>> 0) + d + ss2 + wj1) >>> 0;
    const tt2 = ((gg >>> 0) + h + ss1 + wj) >>> 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = p0(tt2);
  }
  v[0] = ((v[0] as number) ^ a) >>> 0;
  v[1] = ((v[1] as number) ^ b) >>> 0;
  v[2] = ((v[2] as number) ^ c) >>> 0;
  v[3] = ((v[3] as number) ^ d) >>> 0;
  v[4] = ((v[4] as number) ^ e) >>> 0;
  v[5] = ((v[5] as number) ^ f) >>> 0;
  v[6] = ((v[6] as number) ^ g) >>> 0;
  v[7] = ((v[7] as number) ^ h) >>> 0;
}

/** The SM3 digest (32 bytes) of the concatenation of `parts`. */
export function sm3(...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  // Message, the 1 bit, zeros, and the 64-bit big-endian bit length, to a multiple of 64 bytes.
  const padded = new Uint8Array(Math.ceil((length + 9) / 64) * 64);
  let offset = 0;
  for (const p of parts) {
    padded.set(p, offset);
    offset += p.length;
  }
  padded[length] = 0x80;
  const bits = length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bits / 0x1_0000_0000));
  view.setUint32(padded.length - 4, bits >>> 0);
  const v = Uint32Array.from(IV);
  const w = new Uint32Array(68);
  for (let i = 0; i < padded.length; i += 64) compress(v, padded, i, w);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  v.forEach((word, i) => outView.setUint32(4 * i, word));
  return out;
}
