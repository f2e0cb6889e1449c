// The parts of nfc-pcsc (which ships no types) the checkpoint agent uses.
declare module 'nfc-pcsc' {
  import { EventEmitter } from 'node:events';

  export interface Card {
    atr?: Buffer;
    standard?: string;
  }

  export class Reader extends EventEmitter {
    autoProcessing: boolean;
    reader: { name: string };
    transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
    close(): void;
  }

  export class NFC extends EventEmitter {
    constructor(logger?: unknown);
    close(): void;
  }
}
