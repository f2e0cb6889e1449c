/**
 * NTAG 424 DNA "Secure Unique NFC" messages (NXP AN12196): each tap the tag mirrors
 * encrypted PICC data (UID and read counter) and a MAC into its NDEF URL. The meta key
 * decrypts PICC data (shared by a deployment: the UID is only known once decrypted); the
 * file key that keys the MAC is diversified per tag from a master key.
 */
import { equalBytes, fromHex, toHex } from '@clearance/core';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { aesCmac } from './cmac';

export interface SunMessage {
  /** 16 bytes: AES-128-CBC(metaKey, IV 0) of 0xC7 || UID(7) || counter(3, LSB first) || padding. */
  piccData: Uint8Array;
  /** 8 bytes: odd-indexed bytes of CMAC(session MAC key, empty input). */
  mac: Uint8Array;
}

export interface SunReading {
  uid: Uint8Array;
  counter: number;
}

export type SunFailure = 'MALFORMED' | 'WRONG_KEY_OR_TAG' | 'BAD_MAC' | 'REPLAY';

export class SunError extends Error {
  constructor(readonly reason: SunFailure) {
    super(`SUN message rejected: ${reason}`);
    this.name = 'SunError';
  }
}

const PICC_TAG = 0xc7; // UID mirrored, counter mirrored, UID length 7
const ZERO_IV = new Uint8Array(16);

/** AN10922-style diversification: the tag's file key from the master key and its UID. */
export function diversifyTagKey(masterKey: Uint8Array, uid: Uint8Array): Uint8Array {
  return aesCmac(masterKey, new Uint8Array([0x01, ...uid, ...Buffer.from('clearance-seal')]));
}

function sessionMacKey(fileKey: Uint8Array, uid: Uint8Array, counter: Uint8Array): Uint8Array {
  const sv2 = new Uint8Array([0x3c, 0xc3, 0x00, 0x01, 0x00, 0x80, ...uid, ...counter]);
  return aesCmac(fileKey, sv2);
}

function truncate(mac: Uint8Array): Uint8Array {
  return Uint8Array.from({ length: 8 }, (_, i) => mac[2 * i + 1] as number);
}

function counterBytes(counter: number): Uint8Array {
  return new Uint8Array([counter & 0xff, (counter >> 8) & 0xff, (counter >> 16) & 0xff]);
}

/** What a tag computes at a tap (used by the virtual tag and tests). */
export function createSunMessage(
  keys: { metaKey: Uint8Array; fileKey: Uint8Array },
  uid: Uint8Array,
  counter: number,
  padding: Uint8Array = randomBytes(5),
): SunMessage {
  const plain = new Uint8Array([PICC_TAG, ...uid, ...counterBytes(counter), ...padding]);
  const cipher = createCipheriv('aes-128-cbc', keys.metaKey, ZERO_IV);
  cipher.setAutoPadding(false);
  const piccData = new Uint8Array(Buffer.concat([cipher.update(plain), cipher.final()]));
  const mac = truncate(
    aesCmac(sessionMacKey(keys.fileKey, uid, counterBytes(counter)), new Uint8Array()),
  );
  return { piccData, mac };
}

/**
 * Verifies a SUN message: decrypts PICC data with the meta key, derives the tag's file
 * key from its UID and checks the MAC. The caller must still check that the counter is
 * larger than the last one seen for this tag.
 */
export function verifySunMessage(
  message: SunMessage,
  metaKey: Uint8Array,
  fileKeyFor: (uid: Uint8Array) => Uint8Array,
): SunReading {
  if (message.piccData.length !== 16 || message.mac.length !== 8) throw new SunError('MALFORMED');
  const decipher = createDecipheriv('aes-128-cbc', metaKey, ZERO_IV);
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(message.piccData), decipher.final()]);
  if (plain[0] !== PICC_TAG) throw new SunError('WRONG_KEY_OR_TAG');
  const uid = new Uint8Array(plain.subarray(1, 8));
  const ctr = new Uint8Array(plain.subarray(8, 11));
  const expected = truncate(aesCmac(sessionMacKey(fileKeyFor(uid), uid, ctr), new Uint8Array()));
  if (!equalBytes(expected, message.mac)) throw new SunError('BAD_MAC');
  return {
    uid,
    counter: (ctr[0] as number) | ((ctr[1] as number) << 8) | ((ctr[2] as number) << 16),
  };
}

/** The SUN parameters of the tag's NDEF URL (`?picc_data=<32 hex>&cmac=<16 hex>`). */
export function parseSunUrl(url: string): SunMessage {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SunError('MALFORMED');
  }
  const picc = parsed.searchParams.get('picc_data') ?? '';
  const cmac = parsed.searchParams.get('cmac') ?? '';
  if (!/^[0-9A-Fa-f]{32}$/.test(picc) || !/^[0-9A-Fa-f]{16}$/.test(cmac))
    throw new SunError('MALFORMED');
  return {
    piccData: fromHex(picc),
    mac: fromHex(cmac),
  };
}

/** The message as the tag mirrors it into its URL: upper-case hex. */
export function sunParameters(message: SunMessage): { piccData: string; cmac: string } {
  return {
    piccData: toHex(message.piccData).toUpperCase(),
    cmac: toHex(message.mac).toUpperCase(),
  };
}

export function sunUrl(base: string, message: SunMessage): string {
  const { piccData, cmac } = sunParameters(message);
  return `${base}?picc_data=${piccData}&cmac=${cmac}`;
}
