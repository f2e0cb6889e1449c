/** Bytes and their hex text: one definition for chaincode, gateway, devices and browser. */

/** A Uint8Array view of the same memory (no copy), from an ArrayBuffer or any view of one. */
export const asBytes = (buffer: ArrayBuffer | ArrayBufferView): Uint8Array =>
  buffer instanceof ArrayBuffer
    ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** Lower-case hex, two digits a byte. */
export const toHex = (data: Uint8Array): string =>
  Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');

export class HexError extends Error {}

/** The bytes of hex text (either case); throws HexError on odd length or a non-hex digit. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(text))
    throw new HexError(`not hex bytes: ${JSON.stringify(text.slice(0, 80))}`);
  return Uint8Array.from({ length: text.length / 2 }, (_, i) =>
    parseInt(text.slice(2 * i, 2 * i + 2), 16),
  );
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
