/** Reading and writing a form field by its dotted path ("items.0.hsCode"). */
export function getAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy of `root` with `value` at `path` (the objects on the way copied, the rest shared). */
export function setAt<T>(root: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<
    string,
    unknown
  >;
  copy[head as string] =
    rest.length === 0 ? value : setAt(copy[head as string], rest.join('.'), value);
  return copy as T;
}

/** The id of a form field's input, from its path ("items.0.hsCode" → "f-items-0-hsCode"). */
export const fieldId = (path: string) => `f-${path.replace(/\./g, '-')}`;
