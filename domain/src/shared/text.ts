/**
 * The one rule for text from outside (HTTP, devices, chaincode arguments): a string must be
 * storable by PostgreSQL (text and jsonb hold no U+0000) and by the RFC 8785 canonicaliser
 * (well-formed UTF-16: no lone surrogates). The chaincode refuses such text in every
 * argument and the gateway at every request schema, so the ledger never holds what the
 * index cannot store.
 */
import { z } from 'zod';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_TEXT_MESSAGE =
  'must not contain U+0000 or unpaired surrogates (text that cannot be stored)';

export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/**
 * The path (`$.items[2].note`) of the first string or object key in a JSON-like value that
 * breaks the rule, or undefined when every one keeps it.
 */
export function findUnstorableText(value: unknown, path = '$'): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnstorableText(item, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) return `${path} (a key)`;
      const found = findUnstorableText(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** A zod string that keeps the rule (for schemas of single text fields). */
export const StorableText = z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
