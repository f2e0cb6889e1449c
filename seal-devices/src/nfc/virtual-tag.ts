/**
 * A seal's NFC tag, as a virtual card on the vsmartcard virtual reader (vpcd). It speaks
 * the vpcd wire protocol (2-byte big-endian length, then payload; 1-byte payloads are
 * reader control codes) and answers like an NTAG 424 DNA: its UID, the NDEF application
 * and file, and a fresh SUN message in the URL each time the file is read from the start.
 */
import * as net from 'node:net';
import { encodeUriRecord, createSunMessage, sunUrl } from '@clearance/domain/node';

export interface VirtualTagOptions {
  uid: Uint8Array;
  metaKey: Uint8Array;
  fileKey: Uint8Array;
  baseUrl: string;
  counter?: number;
  host?: string;
  port?: number;
}

/** ATR of a contactless ISO 14443-4 card as PC/SC readers report it (no historical bytes). */
const ATR = Buffer.from('3B8180018080', 'hex');
const OK = Buffer.from([0x90, 0x00]);
const NDEF_AID = Buffer.from('D2760000850101', 'hex');
const NDEF_FILE = Buffer.from('E104', 'hex');

export class VirtualSealTag {
  private socket: net.Socket | undefined;
  private selected: 'none' | 'app' | 'ndef' = 'none';
  private file: Buffer = Buffer.alloc(0);
  counter: number;

  constructor(private readonly options: VirtualTagOptions) {
    this.counter = options.counter ?? 0;
  }

  /** Puts the tag on the reader; resolves once connected. */
  tap(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: this.options.host ?? '127.0.0.1',
        port: this.options.port ?? 35963,
      });
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          const length = pending.readUInt16BE(0);
          const reply = this.handle(pending.subarray(2, 2 + length));
          pending = pending.subarray(2 + length);
          if (reply) {
            const frame = Buffer.alloc(2 + reply.length);
            frame.writeUInt16BE(reply.length, 0);
            reply.copy(frame, 2);
            socket.write(frame);
          }
        }
      });
      socket.once('connect', () => resolve());
      socket.once('error', reject);
      this.socket = socket;
    });
  }

  /** Takes the tag off the reader. */
  remove(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
    });
  }

  private handle(payload: Buffer): Buffer | undefined {
    if (payload.length === 1) {
      // 0 power off, 1 power on, 2 reset, 4 send the ATR
      if (payload[0] === 4) return ATR;
      this.selected = 'none';
      return undefined;
    }
    return this.apdu(payload);
  }

  private apdu(apdu: Buffer): Buffer {
    const [cla, ins, p1, p2] = apdu;
    const lc = apdu[4] ?? 0;
    const data = apdu.subarray(5, 5 + lc);
    if (cla === 0xff && ins === 0xca && p1 === 0x00)
      return Buffer.concat([Buffer.from(this.options.uid), OK]);
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04 && data.equals(NDEF_AID)) {
      this.selected = 'app';
      return OK;
    }
    if (
      cla === 0x00 &&
      ins === 0xa4 &&
      p1 === 0x00 &&
      p2 === 0x0c &&
      this.selected !== 'none' &&
      data.equals(NDEF_FILE)
    ) {
      this.selected = 'ndef';
      return OK;
    }
    if (cla === 0x00 && ins === 0xb0 && this.selected === 'ndef') {
      const offset = ((p1 ?? 0) << 8) | (p2 ?? 0);
      if (offset === 0) this.file = this.freshNdefFile();
      const length = apdu[4] === 0 ? 256 : (apdu[4] ?? 0);
      if (offset >= this.file.length) return Buffer.from([0x6b, 0x00]);
      return Buffer.concat([this.file.subarray(offset, offset + length), OK]);
    }
    if (ins === 0xa4) return Buffer.from([0x6a, 0x82]); // file or application not found
    return Buffer.from([0x6d, 0x00]); // instruction not supported
  }

  /** NLEN + NDEF message with a new SUN message: the read counter rises at every read. */
  private freshNdefFile(): Buffer {
    this.counter += 1;
    const { metaKey, fileKey, uid, baseUrl } = this.options;
    const message = encodeUriRecord(
      sunUrl(baseUrl, createSunMessage({ metaKey, fileKey }, uid, this.counter)),
    );
    const nlen = Buffer.alloc(2);
    nlen.writeUInt16BE(message.length, 0);
    return Buffer.concat([nlen, Buffer.from(message)]);
  }
}
