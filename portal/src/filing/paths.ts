/** Reading and writing a form field by its dotted path ("items.0.hsCode"). */
export function getAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Object.entries(node).find(([k]) => k === key)?.[1];
  }
  return node;
}

/** A copy of `root` with `value` at `path` (the objects on the way copied, the rest shared). */
export function setAt<T>(root: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const field = head ?? '';
  const copy: Record<string, unknown> = {
    ...(Array.isArray(root) || typeof root !== 'object' ? {} : root),
  };
  if (Array.isArray(root)) root.forEach((v: unknown, i) => (copy[i] = v));
  copy[field] = rest.length === 0 ? value : setAt(copy[field], rest.join('.'), value);
  const result = Array.isArray(root) ? Object.assign([...root], copy) : copy;
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a dotted path into T: keeping T's shape is the caller's (a form writes each input's own type)
  return result as T;
}

/** The id of a form field's input, from its path ("items.0.hsCode" → "f-items-0-hsCode"). */
export const fieldId = (path: string) => `f-${path.replace(/\./g, '-')}`;
