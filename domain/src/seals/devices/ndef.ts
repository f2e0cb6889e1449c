/** The one NDEF record a seal tag carries: a URI record (NFC Forum URI RTD). */
const PREFIXES = ['', 'http://www.', 'https://www.', 'http://', 'https://'] as const;

export class NdefError extends Error {}

/** NDEF message of one short URI record (TNF well-known, type "U"). */
export function encodeUriRecord(uri: string): Uint8Array {
  const code = PREFIXES.findIndex((p, i) => i > 0 && uri.startsWith(p));
  const prefixCode = code > 0 ? code : 0;
  const rest = new TextEncoder().encode(uri.slice(PREFIXES[prefixCode]?.length ?? 0));
  const payload = new Uint8Array([prefixCode, ...rest]);
  if (payload.length > 255) throw new NdefError('URI too long for a short record');
  return new Uint8Array([0xd1, 0x01, payload.length, 0x55, ...payload]);
}

/** The URI of the first URI record of an NDEF message. */
export function decodeUriRecord(message: Uint8Array): string {
  let offset = 0;
  while (offset < message.length) {
    const header = message[offset] as number;
    const shortRecord = (header & 0x10) !== 0;
    const hasId = (header & 0x08) !== 0;
    const tnf = header & 0x07;
    const typeLength = message[offset + 1] ?? 0;
    let cursor = offset + 2;
    let payloadLength: number;
    if (shortRecord) {
      payloadLength = message[cursor] ?? 0;
      cursor += 1;
    } else {
      payloadLength = new DataView(message.buffer, message.byteOffset + cursor, 4).getUint32(0);
      cursor += 4;
    }
    const idLength = hasId ? (message[cursor++] ?? 0) : 0;
    const type = message.subarray(cursor, cursor + typeLength);
    cursor += typeLength + idLength;
    const payload = message.subarray(cursor, cursor + payloadLength);
    if (cursor + payloadLength > message.length)
      throw new NdefError('NDEF record runs past the message');
    if (tnf === 0x01 && type.length === 1 && type[0] === 0x55 && payload.length > 0) {
      const prefix = PREFIXES[payload[0] as number];
      if (prefix === undefined) throw new NdefError('unknown URI prefix code');
      return prefix + new TextDecoder().decode(payload.subarray(1));
    }
    if (header & 0x40) break; // message end
    offset = cursor + payloadLength;
  }
  throw new NdefError('no URI record');
}
