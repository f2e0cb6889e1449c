/** Reads of the index for lists and dashboards (authoritative reads go to the ledger). */
import { DeclarationSummarySchema, type DeclarationSummary } from '@clearance/chaincode/domain';
import type { Pool } from 'pg';

export interface DeclarationFilter {
  state?: string;
  jurisdiction?: string;
  onHold?: boolean;
  consignmentRef?: string;
  /** Prefix of the declaration id or consignment reference. */
  q?: string;
  signer?: { subject: string; issuer: string };
  limit: number;
  cursor?: string;
}

interface Row {
  declaration_id: string;
  version: number;
  state: string;
  on_hold: boolean;
  jurisdiction: string;
  consignment_ref: string;
  last_action: string;
  last_actor_msp: string;
  last_at: Date;
  block_number: string;
  tx_id: string;
}

/** A row read back through the record's one schema (a row the index wrote badly fails here). */
const summary = (r: Row): DeclarationSummary =>
  DeclarationSummarySchema.parse({
    declarationId: r.declaration_id,
    version: r.version,
    state: r.state,
    onHold: r.on_hold,
    jurisdiction: r.jurisdiction,
    consignmentRef: r.consignment_ref,
    lastAction: r.last_action,
    lastActorMsp: r.last_actor_msp,
    lastAt: r.last_at.toISOString(),
    blockNumber: r.block_number,
    txId: r.tx_id,
  });

/** The columns of a Row. */
const SUMMARY_COLUMNS = `declaration_id, version, state, on_hold, jurisdiction, consignment_ref, last_action,
  last_actor_msp, last_at, block_number, tx_id`;

/** Cursor: the (block, id) of the last row of the page, newest first. */
const encodeCursor = (r: Row) =>
  Buffer.from(`${r.block_number}:${r.declaration_id}`).toString('base64url');
function decodeCursor(cursor: string): [string, string] | undefined {
  const m = /^(\d{1,19}):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? [m[1] as string, m[2] as string] : undefined;
}

export async function listDeclarations(
  pool: Pool,
  f: DeclarationFilter,
): Promise<{ items: DeclarationSummary[]; nextCursor: string | null } | undefined> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (f.state) add('state = ?', f.state);
  if (f.jurisdiction) add('jurisdiction = ?', f.jurisdiction);
  if (f.onHold !== undefined) add('on_hold = ?', f.onHold);
  if (f.consignmentRef) add('consignment_ref = ?', f.consignmentRef);
  if (f.q) {
    values.push(`${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(declaration_id LIKE $${values.length} OR consignment_ref LIKE $${values.length})`);
  }
  if (f.signer) {
    add('signer_subject = ?', f.signer.subject);
    add('signer_issuer = ?', f.signer.issuer);
  }
  if (f.cursor) {
    const after = decodeCursor(f.cursor);
    if (!after) return undefined;
    values.push(after[0], after[1]);
    where.push(`(block_number, declaration_id) < ($${values.length - 1}, $${values.length})`);
  }
  values.push(f.limit + 1);
  const { rows } = await pool.query<Row>(
    `SELECT ${SUMMARY_COLUMNS}
     FROM declarations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY block_number DESC, declaration_id DESC LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(summary),
    nextCursor: rows.length > f.limit && last ? encodeCursor(last) : null,
  };
}

export async function getDeclarationSummary(
  pool: Pool,
  id: string,
): Promise<
  { summary: DeclarationSummary; signer: { subject: string; issuer: string } | null } | undefined
> {
  const { rows } = await pool.query<
    Row & { signer_subject: string | null; signer_issuer: string | null }
  >(
    `SELECT ${SUMMARY_COLUMNS}, signer_subject, signer_issuer
     FROM declarations WHERE declaration_id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    summary: summary(row),
    signer:
      row.signer_subject && row.signer_issuer
        ? { subject: row.signer_subject, issuer: row.signer_issuer }
        : null,
  };
}
