/**
 * ISO 11784/11785 FDX-B, the 134.2 kHz RFID of animal ear tags (pigs on every Guangdong
 * batch for Hong Kong since 2008). A reader reports a telegram's 64-bit identification code
 * and its CRC; this decodes it into the 15-digit ear tag number printed on the tag (3-digit
 * country code, 12-digit national id), refusing anything malformed. Pure.
 *
 * Frame as the reader agent receives it: 8 bytes of the identification code, most
 * significant bit first — bit 63 animal flag, bits 62-49 reserved, bit 48 data block
 * follows, bits 47-38 country code (10 bits), bits 37-0 national id (38 bits) — then the
 * CRC-16/KERMIT of those 8 bytes, low byte first (as FDX-B transmits it).
 */
export const FRAME_BYTES = 10;
const NATIONAL_MAX = 274_877_906_943n; // 2^38 - 1

export type FrameError = 'FRAME_LENGTH' | 'FRAME_CRC' | 'NOT_ANIMAL' | 'FRAME_RANGE';

export class FdxbFrameError extends Error {
  constructor(
    readonly code: FrameError,
    message: string,
  ) {
    super(message);
    this.name = 'FdxbFrameError';
  }
}

/** CRC-16/KERMIT (CCITT polynomial, reflected, initial 0): the FDX-B telegram's CRC. */
export function crc16Kermit(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc & 0xffff;
}

/** A 15-digit ear tag number: country (3 digits) and national id (12 digits). */
export function encodeFrame(earTag: string): Uint8Array {
  if (!/^\d{15}$/.test(earTag)) throw new RangeError(`${earTag} is not a 15-digit ear tag`);
  const country = BigInt(earTag.slice(0, 3));
  const national = BigInt(earTag.slice(3));
  if (country > 999n || national > NATIONAL_MAX)
    throw new RangeError(`${earTag} does not fit an FDX-B code`);
  const code = (1n << 63n) | (country << 38n) | national;
  const frame = new Uint8Array(FRAME_BYTES);
  new DataView(frame.buffer).setBigUint64(0, code);
  const crc = crc16Kermit(frame.subarray(0, 8));
  frame[8] = crc & 0xff;
  frame[9] = crc >>> 8;
  return frame;
}

/** The ear tag number of a reader's frame; FdxbFrameError with a code for anything else. */
export function decodeFrame(frame: Uint8Array): string {
  if (frame.length !== FRAME_BYTES)
    throw new FdxbFrameError(
      'FRAME_LENGTH',
      `a frame is ${FRAME_BYTES} bytes, not ${frame.length}`,
    );
  const crc = (frame[8] ?? 0) | ((frame[9] ?? 0) << 8);
  if (crc16Kermit(frame.subarray(0, 8)) !== crc)
    throw new FdxbFrameError('FRAME_CRC', 'the frame CRC does not match');
  const code = new DataView(frame.buffer, frame.byteOffset, 8).getBigUint64(0);
  if (!(code >> 63n)) throw new FdxbFrameError('NOT_ANIMAL', 'the animal flag is not set');
  const country = (code >> 38n) & 0x3ffn;
  const national = code & NATIONAL_MAX;
  if (country > 999n || national > 999_999_999_999n)
    throw new FdxbFrameError('FRAME_RANGE', 'country or national id out of range');
  return `${country.toString().padStart(3, '0')}${national.toString().padStart(12, '0')}`;
}
