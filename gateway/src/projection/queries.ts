/** Reads of the index for lists and dashboards (authoritative reads go to the ledger). */
import {
  CrossingSummarySchema,
  DeclarationSummarySchema,
  ID_PATTERN,
  type CrossingSummary,
  type DeclarationSummary,
} from '@clearance/domain';
import type { Pool } from 'pg';
import { conditions, pageOf, signedByCondition } from '../database/paging';

/** The largest PostgreSQL bigint (block numbers). */
const MAX_BIGINT = 2n ** 63n - 1n;

export interface DeclarationFilter {
  state?: string;
  jurisdiction?: string;
  onHold?: boolean;
  consignmentRef?: string;
  /** Prefix of the declaration id or consignment reference. */
  q?: string;
  /** A trader's signer id: their declarations only. */
  signerId?: string;
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
  const [block, id] = [m?.[1], m?.[2]];
  // Only what this API writes: a block PostgreSQL's bigint holds, a declaration id.
  if (!block || !id || BigInt(block) > MAX_BIGINT || !ID_PATTERN.test(id)) return undefined;
  return [block, id];
}

export async function listDeclarations(
  pool: Pool,
  f: DeclarationFilter,
): Promise<{ items: DeclarationSummary[]; nextCursor: string | null } | undefined> {
  const where = conditions();
  if (f.state) where.add('state = ?', f.state);
  if (f.jurisdiction) where.add('jurisdiction = ?', f.jurisdiction);
  if (f.onHold !== undefined) where.add('on_hold = ?', f.onHold);
  if (f.consignmentRef) where.add('consignment_ref = ?', f.consignmentRef);
  if (f.q) {
    const prefix = `${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.add('(declaration_id LIKE ? OR consignment_ref LIKE ?)', prefix, prefix);
  }
  if (f.signerId !== undefined) where.add('signer_id = ?', f.signerId);
  if (f.cursor) {
    const after = decodeCursor(f.cursor);
    if (!after) return undefined;
    where.add('(block_number, declaration_id) < (?, ?)', ...after);
  }
  const limit = where.param(f.limit + 1);
  const { rows } = await pool.query<Row>(
    `SELECT ${SUMMARY_COLUMNS}
     FROM declarations ${where.sql()}
     ORDER BY block_number DESC, declaration_id DESC LIMIT ${limit}`,
    where.values,
  );
  return pageOf(rows, f.limit, summary, encodeCursor);
}

export async function getDeclarationSummary(
  pool: Pool,
  id: string,
): Promise<{ summary: DeclarationSummary; signerId: string | null } | undefined> {
  const { rows } = await pool.query<Row & { signer_id: string | null }>(
    `SELECT ${SUMMARY_COLUMNS}, signer_id FROM declarations WHERE declaration_id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { summary: summary(row), signerId: row.signer_id };
}

export interface CrossingFilter {
  controlPoint?: string;
  declarationId?: string;
  /** Decided at or after this time. */
  since?: string;
  /** A trader's signer id: only crossings of seals covering a declaration they signed. */
  signerId?: string;
  limit: number;
  cursor?: string;
}

/** A row of the crossings table, as PostgreSQL gives it. */
export interface CrossingRow {
  crossing_id: string;
  seal_id: string;
  conveyance: string | null;
  control_point: string;
  direction: string;
  decision: string;
  reasons: string[];
  declaration_ids: string[];
  decided_at: Date;
  inspection: string | null;
  outcome_reason: string | null;
  outcome_at: Date | null;
  tx_id: string;
  block_number: string;
}

const crossingSummary = (r: CrossingRow): CrossingSummary =>
  CrossingSummarySchema.parse({
    crossingId: r.crossing_id,
    sealId: r.seal_id,
    conveyance: r.conveyance,
    controlPoint: r.control_point,
    direction: r.direction,
    decision: r.decision,
    reasons: r.reasons,
    declarationIds: r.declaration_ids,
    at: r.decided_at.toISOString(),
    inspection: r.inspection,
    outcomeReason: r.outcome_reason,
    outcomeAt: r.outcome_at?.toISOString() ?? null,
    transactionId: r.tx_id,
    blockNumber: r.block_number,
  });

/** Cursor: the (decision time, id) of the last row of the page, oldest first. */
const encodeCrossingCursor = (r: CrossingRow) =>
  Buffer.from(`${r.decided_at.toISOString()}|${r.crossing_id}`).toString('base64url');
function decodeCrossingCursor(cursor: string): [string, string] | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(.+)$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  const at = m?.[1];
  // Only a time this API wrote (one PostgreSQL can read back): it round-trips exactly.
  const id = m?.[2];
  if (
    !at ||
    !id ||
    !ID_PATTERN.test(id) ||
    Date.parse(at) < 0 ||
    new Date(Date.parse(at) || 0).toISOString() !== at
  )
    return undefined;
  return [at, id];
}

/** Crossings oldest first (keyset pages); undefined for a cursor this API did not give. */
export async function listCrossings(
  pool: Pool,
  f: CrossingFilter,
): Promise<{ items: CrossingSummary[]; nextCursor: string | null } | undefined> {
  const where = conditions();
  if (f.controlPoint !== undefined) where.add('control_point = ?', f.controlPoint);
  if (f.declarationId) where.add('declaration_ids @> ARRAY[?::text]', f.declarationId);
  if (f.since) where.add('decided_at >= ?', f.since);
  if (f.signerId !== undefined) where.add(signedByCondition('c.declaration_ids'), f.signerId);
  if (f.cursor) {
    const after = decodeCrossingCursor(f.cursor);
    if (!after) return undefined;
    where.add('(decided_at, crossing_id) > (?::timestamptz, ?)', ...after);
  }
  const limit = where.param(f.limit + 1);
  const { rows } = await pool.query<CrossingRow>(
    `SELECT crossing_id, seal_id, conveyance, control_point, direction, decision, reasons,
            declaration_ids, decided_at, inspection, outcome_reason, outcome_at, tx_id,
            block_number::text AS block_number
     FROM crossings c ${where.sql()}
     ORDER BY decided_at, crossing_id LIMIT ${limit}`,
    where.values,
  );
  return pageOf(rows, f.limit, crossingSummary, encodeCrossingCursor);
}
