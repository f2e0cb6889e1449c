/**
 * A minimal protocol-buffers reader: just enough wire format to read the Fabric messages
 * the verifier needs (fabric-messages.ts), without a protobuf runtime or generated code in
 * the browser. Fields are read as they were sent; bytes fields are views of the input, so
 * a signature is checked over exactly the bytes that were signed.
 */

/** Thrown for input that is not a well-formed message: the caller names what it was reading. */
export class MalformedError extends Error {
  readonly code = 'MALFORMED';
}

const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export interface Field {
  number: number;
  wire: number;
  /** varint and fixed fields */
  int?: bigint;
  /** length-delimited fields */
  bytes?: Uint8Array;
}

function readVarint(buf: Uint8Array, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const byte = buf[i] as number;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [BigInt.asUintN(64, result), i + 1];
    shift += 7n;
  }
  throw new MalformedError('truncated or overlong varint');
}

function readFixed(buf: Uint8Array, at: number, size: number): bigint {
  if (at + size > buf.length) throw new MalformedError('truncated fixed-width field');
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(buf[at + i] as number);
  return value;
}

/** Every field of one message, in the order sent. Groups (wire types 3, 4) are refused. */
export function readFields(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    at = next;
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (number < 1 || number > 536_870_911) throw new MalformedError(`bad field number ${number}`);
    switch (wire) {
      case WIRE.varint: {
        const [int, after] = readVarint(buf, at);
        fields.push({ number, wire, int });
        at = after;
        break;
      }
      case WIRE.fixed64:
        fields.push({ number, wire, int: readFixed(buf, at, 8) });
        at += 8;
        break;
      case WIRE.fixed32:
        fields.push({ number, wire, int: readFixed(buf, at, 4) });
        at += 4;
        break;
      case WIRE.bytes: {
        const [length, start] = readVarint(buf, at);
        const end = start + Number(length);
        if (length > BigInt(buf.length) || end > buf.length)
          throw new MalformedError('length-delimited field runs past the end');
        fields.push({ number, wire, bytes: buf.subarray(start, end) });
        at = end;
        break;
      }
      default:
        throw new MalformedError(`unsupported wire type ${wire}`);
    }
  }
  return fields;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Typed access to the fields of one message (proto3: the last of a singular field wins). */
export class Message {
  private constructor(private readonly fields: Field[]) {}

  static parse(buf: Uint8Array): Message {
    return new Message(readFields(buf));
  }

  private last(number: number): Field | undefined {
    for (let i = this.fields.length - 1; i >= 0; i--) {
      const f = this.fields[i] as Field;
      if (f.number === number) return f;
    }
    return undefined;
  }

  has(number: number): boolean {
    return this.last(number) !== undefined;
  }

  bytes(number: number): Uint8Array {
    const f = this.last(number);
    if (!f) return new Uint8Array(0);
    if (f.bytes === undefined) throw new MalformedError(`field ${number} is not length-delimited`);
    return f.bytes;
  }

  string(number: number): string {
    try {
      return utf8.decode(this.bytes(number));
    } catch (error) {
      if (error instanceof MalformedError) throw error;
      throw new MalformedError(`field ${number} is not UTF-8 text`);
    }
  }

  uint(number: number): bigint {
    const f = this.last(number);
    if (!f) return 0n;
    if (f.int === undefined) throw new MalformedError(`field ${number} is not a number`);
    return f.int;
  }

  /** A varint as a signed 64-bit value (int64, int32 and enums). */
  int(number: number): bigint {
    return BigInt.asIntN(64, this.uint(number));
  }

  /** int32 / enum as a JS number. */
  int32(number: number): number {
    return Number(BigInt.asIntN(32, this.uint(number)));
  }

  bool(number: number): boolean {
    return this.uint(number) !== 0n;
  }

  message(number: number): Message | undefined {
    return this.has(number) ? Message.parse(this.bytes(number)) : undefined;
  }

  repeatedBytes(number: number): Uint8Array[] {
    return this.fields
      .filter((f) => f.number === number)
      .map((f) => {
        if (f.bytes === undefined)
          throw new MalformedError(`field ${number} is not length-delimited`);
        return f.bytes;
      });
  }

  repeatedMessages(number: number): Message[] {
    return this.repeatedBytes(number).map((b) => Message.parse(b));
  }

  /** A map<string, message> field: entries with key 1 and value 2; a later key wins. */
  map(number: number): Map<string, Message> {
    const out = new Map<string, Message>();
    for (const entry of this.repeatedMessages(number))
      out.set(entry.string(1), entry.message(2) ?? Message.parse(new Uint8Array(0)));
    return out;
  }
}

/** Encodes a message of length-delimited and varint fields (for the few the verifier builds). */
export function encodeFields(
  fields: readonly { number: number; bytes?: Uint8Array; text?: string; int?: number }[],
): Uint8Array {
  const out: number[] = [];
  const varint = (value: number) => {
    let v = value;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  };
  for (const f of fields) {
    if (f.int !== undefined) {
      varint(f.number * 8);
      varint(f.int);
      continue;
    }
    const body = f.bytes ?? new TextEncoder().encode(f.text ?? '');
    varint(f.number * 8 + 2);
    varint(body.length);
    out.push(...body);
  }
  return Uint8Array.from(out);
}
