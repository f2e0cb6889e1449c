/** AES-128-CMAC (RFC 4493 / NIST SP 800-38B), the MAC of NTAG 424 DNA secure messages. */
import { createCipheriv } from 'node:crypto';

const BLOCK = 16;
const RB = 0x87;

export function aesEcbBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(block), cipher.final()]));
}

function shiftLeft(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    out[i] = (((input[i] as number) << 1) | ((input[i + 1] ?? 0) >> 7)) & 0xff;
  }
  if ((input[0] as number) & 0x80) out[BLOCK - 1] = (out[BLOCK - 1] as number) ^ RB;
  return out;
}

export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  if (key.length !== BLOCK) throw new Error('AES-128 key must be 16 bytes');
  const k1 = shiftLeft(aesEcbBlock(key, new Uint8Array(BLOCK)));
  const k2 = shiftLeft(k1);
  const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const last = new Uint8Array(BLOCK);
  last.set(message.subarray((blocks - 1) * BLOCK));
  if (!complete) last[message.length - (blocks - 1) * BLOCK] = 0x80;
  const subkey = complete ? k1 : k2;
  for (let i = 0; i < BLOCK; i++) last[i] = (last[i] as number) ^ (subkey[i] as number);
  let x: Uint8Array = new Uint8Array(BLOCK);
  for (let b = 0; b < blocks; b++) {
    const block = b === blocks - 1 ? last : message.subarray(b * BLOCK, (b + 1) * BLOCK);
    const y = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) y[i] = (x[i] as number) ^ (block[i] as number);
    x = aesEcbBlock(key, y);
  }
  return x;
}
