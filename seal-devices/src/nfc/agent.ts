/**
 * The NFC checkpoint agent: at a control point an officer taps a seal's tag on the PC/SC
 * reader; the agent reads the tag's SUN URL over ISO 7816 APDUs and reports the tap.
 * Verification (keys, counters) happens at the gateway: tag keys never reach devices.
 */
import { NFC, type Reader } from 'nfc-pcsc';
import { decodeUriRecord } from '../domain/ndef';
import { parseSunUrl, type SunMessage } from '../domain/sun';

export interface Tap {
  reader: string;
  /** UID the reader got from the tag (anti-collision); the SUN message carries it too. */
  uid: string;
  url: string;
  sun: SunMessage;
  at: string;
}

type Transmit = (apdu: Buffer, responseMaxLength: number) => Promise<Buffer>;

async function command(transmit: Transmit, apdu: string | Buffer, max = 258): Promise<Buffer> {
  const response = await transmit(typeof apdu === 'string' ? Buffer.from(apdu, 'hex') : apdu, max);
  const sw = response.length >= 2 ? response.readUInt16BE(response.length - 2) : 0;
  if (sw !== 0x9000)
    throw new Error(
      `tag answered ${sw.toString(16).padStart(4, '0')} to ${Buffer.from(apdu).toString('hex')}`,
    );
  return response.subarray(0, -2);
}

/** GET UID, SELECT the NDEF application and file, READ BINARY the NDEF message. */
export async function readSealTag(transmit: Transmit): Promise<{ uid: Buffer; url: string }> {
  const uid = await command(transmit, 'FFCA000000');
  await command(transmit, '00A4040007D276000085010100');
  await command(transmit, '00A4000C02E104');
  const nlen = (await command(transmit, '00B0000002')).readUInt16BE(0);
  const chunks: Buffer[] = [];
  for (let offset = 2; offset < nlen + 2;) {
    const size = Math.min(0xf0, nlen + 2 - offset);
    const chunk = await command(
      transmit,
      Buffer.from([0x00, 0xb0, offset >> 8, offset & 0xff, size]),
    );
    if (chunk.length === 0) throw new Error('tag returned an empty read');
    chunks.push(chunk);
    offset += chunk.length;
  }
  return { uid, url: decodeUriRecord(Buffer.concat(chunks)) };
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface AgentOptions {
  /** Only readers whose name matches (default: all). */
  readerName?: RegExp;
  onTap(tap: Tap): void;
  onError(error: Error): void;
  onReader?(name: string): void;
}

export function startCheckpointAgent(options: AgentOptions): { close(): void } {
  const nfc = new NFC(quiet);
  nfc.on('reader', (reader: Reader) => {
    const name = reader.reader.name;
    if (options.readerName && !options.readerName.test(name)) return;
    reader.autoProcessing = false;
    options.onReader?.(name);
    reader.on('card', () => {
      readSealTag((apdu, max) => reader.transmit(apdu, max))
        .then(({ uid, url }) =>
          options.onTap({
            reader: name,
            uid: uid.toString('hex'),
            url,
            sun: parseSunUrl(url),
            at: new Date().toISOString(),
          }),
        )
        .catch((error: Error) => options.onError(error));
    });
    reader.on('error', (error: Error) => options.onError(error));
  });
  nfc.on('error', (error: Error) => options.onError(error));
  return { close: () => nfc.close() };
}
