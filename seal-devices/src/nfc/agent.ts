/**
 * The NFC checkpoint agent: at a control point an officer taps a seal's tag on the PC/SC
 * reader; the agent reads the tag's SUN URL over ISO 7816 APDUs and reports the tap.
 * Verification (keys, counters) happens at the gateway: tag keys never reach devices.
 */
import type * as NfcPcsc from 'nfc-pcsc';
import type { NFC, Reader } from 'nfc-pcsc';
import { decodeUriRecord, parseSunUrl, type SunMessage } from '@clearance/domain/node';

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

/** Why the checkpoint agent cannot start. */
export type CheckpointAgentErrorCode = 'PCSC_BINDING_MISSING';

export class CheckpointAgentError extends Error {
  constructor(
    readonly code: CheckpointAgentErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CheckpointAgentError';
  }
}

/** What a machine needs for the PC/SC binding (a compiler, the headers, the daemon). */
export const PCSC_SYSTEM_PACKAGES = ['g++', 'make', 'python3', 'libpcsclite-dev', 'pcscd'];

/**
 * nfc-pcsc and its native PC/SC binding (@pokusew/pcsclite), loaded when the agent starts:
 * an optional dependency, which `npm ci` leaves out where it cannot compile, so that no one
 * else's install fails for it.
 */
export function loadNfcPcsc(load: (id: string) => unknown = require): typeof NFC {
  try {
    return (load('nfc-pcsc') as typeof NfcPcsc).NFC;
  } catch (error) {
    throw new CheckpointAgentError(
      'PCSC_BINDING_MISSING',
      `the PC/SC binding (nfc-pcsc, @pokusew/pcsclite) is not installed or does not load: ` +
        `install ${PCSC_SYSTEM_PACKAGES.join(' ')} (apt-get install -y ${PCSC_SYSTEM_PACKAGES.join(' ')}), then run npm ci`,
      { cause: error },
    );
  }
}

export interface AgentOptions {
  /** Only readers whose name matches (default: all). */
  readerName?: RegExp;
  onTap(tap: Tap): void;
  onError(error: Error): void;
  onReader?(name: string): void;
}

/** Throws CheckpointAgentError PCSC_BINDING_MISSING when the PC/SC binding is not there. */
export function startCheckpointAgent(
  options: AgentOptions,
  load?: (id: string) => unknown,
): { close(): void } {
  const NfcReaders = loadNfcPcsc(load);
  const nfc = new NfcReaders(quiet);
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
