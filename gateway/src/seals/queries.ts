/** Seal reads of PostgreSQL: the seals the index knows, and a seal's track of readings. */
import type { Pool } from 'pg';
import { conditions, pageOf, signedByCondition } from '../database/paging';
import type { SealSummary, TrackPoint } from '../http/schemas';

/** The columns of a seal as the API names them (SealSummary), times as the API writes them. */
const SUMMARY_COLUMNS = `seal_id AS "sealId", device_id AS "deviceId", state,
  declaration_ids AS "declarationIds", route_id AS "routeId", conveyance,
  to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "appliedAt",
  alarms, last_event AS "lastEvent", block_number::text AS "blockNumber"`;

/** Seals by id, a page after `after` (the last id of the previous page). */
export async function listSeals(
  pool: Pool,
  filter: { state?: string; after?: string; limit: number; signerId?: string },
): Promise<{ items: SealSummary[]; nextCursor: string | null }> {
  const where = conditions();
  if (filter.state) where.add('state = ?', filter.state);
  where.add('seal_id > ?', filter.after ?? '');
  // A trader's: the seals covering a declaration they signed.
  if (filter.signerId !== undefined)
    where.add(signedByCondition('s.declaration_ids'), filter.signerId);
  const limit = where.param(filter.limit + 1);
  const { rows } = await pool.query<SealSummary>(
    `SELECT ${SUMMARY_COLUMNS} FROM seals s ${where.sql()} ORDER BY seal_id LIMIT ${limit}`,
    where.values,
  );
  return pageOf(
    rows,
    filter.limit,
    (r) => r,
    (r) => r.sealId,
  );
}

/** Which of these declarations the signer (by signer id) signed, per the index. */
export async function signedBy(
  pool: Pool,
  declarationIds: readonly string[],
  signerId: string,
): Promise<Set<string>> {
  const { rows } = await pool.query<{ declaration_id: string }>(
    `SELECT declaration_id FROM declarations WHERE declaration_id = ANY($1) AND signer_id = $2`,
    [declarationIds, signerId],
  );
  return new Set(rows.map((r) => r.declaration_id));
}

/** A track point as PostgreSQL gives it: a missing control point is NULL. */
type TrackPointRow = Omit<TrackPoint, 'controlPoint'> & { controlPoint: string | null };

/** A reading's time as the API writes times (ISO 8601, UTC, milliseconds), as `time`. */
export const READING_TIME = `to_char(reading_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time`;

const POINT_COLUMNS = `counter::float8 AS counter, ${READING_TIME},
  lat, lon, event, signed->'reading'->>'controlPoint' AS "controlPoint", batch_id IS NOT NULL AS anchored`;

const point = (r: TrackPointRow): TrackPoint => {
  const { controlPoint, ...rest } = r;
  return controlPoint ? { ...rest, controlPoint } : rest;
};

/** A seal's readings in counter order, after `afterCounter`. */
export async function sealTrack(
  pool: Pool,
  sealId: string,
  afterCounter: number,
  limit: number,
): Promise<TrackPoint[]> {
  const { rows } = await pool.query<TrackPointRow>(
    `SELECT ${POINT_COLUMNS} FROM readings WHERE seal_id = $1 AND counter > $2
     ORDER BY counter LIMIT $3`,
    [sealId, afterCounter, limit],
  );
  return rows.map(point);
}

/** The last reading of a seal, how many are stored and how many wait to be anchored. */
export async function sealReadingsState(
  pool: Pool,
  sealId: string,
): Promise<{ lastReading: TrackPoint | null; stored: number; pendingAnchor: number }> {
  const [last, counts] = await Promise.all([
    pool.query<TrackPointRow>(
      `SELECT ${POINT_COLUMNS} FROM readings WHERE seal_id = $1 ORDER BY counter DESC LIMIT 1`,
      [sealId],
    ),
    pool.query<{ stored: number; pending: number }>(
      `SELECT count(*)::int AS stored, (count(*) FILTER (WHERE batch_id IS NULL))::int AS pending
       FROM readings WHERE seal_id = $1`,
      [sealId],
    ),
  ]);
  const row = last.rows[0];
  return {
    lastReading: row ? point(row) : null,
    stored: counts.rows[0]?.stored ?? 0,
    pendingAnchor: counts.rows[0]?.pending ?? 0,
  };
}
