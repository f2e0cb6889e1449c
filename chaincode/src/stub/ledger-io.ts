/** Small helpers for contract I/O: bounded arguments, canonical JSON state, events. */
import type { Context } from 'fabric-contract-api';
import type { z } from 'zod';
import { canonicalJson } from '@clearance/core';
import {
  LedgerError,
  findUnstorableText,
  isStorableText,
  UNSTORABLE_TEXT_MESSAGE,
} from '@clearance/domain';

/** Largest argument a transaction accepts (a declaration with 999 items fits well). */
export const MAX_ARGUMENT_BYTES = 256 * 1024;

export function boundedText(value: unknown, name: string, max = MAX_ARGUMENT_BYTES): string {
  if (typeof value !== 'string')
    throw new LedgerError('INVALID_ARGUMENT', `${name} must be a string`);
  if (Buffer.byteLength(value) > max) {
    throw new LedgerError('INVALID_ARGUMENT', `${name} is larger than ${max} bytes`);
  }
  if (!isStorableText(value))
    throw new LedgerError('INVALID_ARGUMENT', `${name} ${UNSTORABLE_TEXT_MESSAGE}`);
  return value;
}

export function parseJsonArgument(value: unknown, name: string): unknown {
  const text = boundedText(value, name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new LedgerError('INVALID_ARGUMENT', `${name} is not valid JSON`);
  }
  // Escapes (\u0000, \ud800) in the JSON text decode to what the raw text check cannot see.
  const bad = findUnstorableText(parsed, name);
  if (bad) throw new LedgerError('INVALID_ARGUMENT', `${bad} ${UNSTORABLE_TEXT_MESSAGE}`);
  return parsed;
}

/** A JSON argument checked against its schema; every issue named by its path in `name`. */
export function parseArgument<T>(schema: z.ZodType<T>, json: unknown, name: string): T {
  const result = schema.safeParse(parseJsonArgument(json, name));
  if (!result.success) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      result.error.issues.map((i) => `${[name, ...i.path].join('.')}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

export async function readJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length === 0 ? undefined : (JSON.parse(Buffer.from(bytes).toString()) as T);
}

export async function writeJson(ctx: Context, key: string, value: unknown): Promise<Buffer> {
  const bytes = Buffer.from(canonicalJson(value));
  await ctx.stub.putState(key, bytes);
  return bytes;
}

export function emit(ctx: Context, name: string, payload: unknown): void {
  ctx.stub.setEvent(name, Buffer.from(canonicalJson(payload)));
}
