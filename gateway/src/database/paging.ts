/**
 * What the index's list queries share: a WHERE clause built from conditions with `?`
 * placeholders, the condition "signed by this trader", and keyset pages fetched as
 * limit + 1 rows (the extra row says whether there is a next page).
 */

/** Conditions joined with AND, their values numbered $1, $2, ... in the order added. */
export function conditions() {
  const values: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  return {
    values,
    /** Adds a condition; each `?` in it takes the next argument. */
    add(sql: string, ...args: unknown[]): void {
      where.push(args.reduce<string>((text, arg) => text.replace('?', param(arg)), sql));
    },
    /** A value used outside the WHERE clause (the LIMIT): its placeholder. */
    param,
    sql: (): string => (where.length ? `WHERE ${where.join(' AND ')}` : ''),
  };
}

/**
 * A row covers a declaration the signer signed (`ids`: the row's array of declaration ids;
 * one `?`: the signer id, esign/signer-id.ts).
 */
export const signedByCondition = (ids: string): string =>
  `EXISTS (SELECT 1 FROM declarations d WHERE d.declaration_id = ANY(${ids}) AND d.signer_id = ?)`;

/** The page of `limit` items from `limit + 1` rows, with the last item's cursor if more follow. */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  item: (row: R) => T,
  cursor: (row: R) => string,
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(item),
    nextCursor: rows.length > limit && last !== undefined ? cursor(last) : null,
  };
}
