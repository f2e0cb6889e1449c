/** Seal reads of PostgreSQL: the seals the index knows, and a seal's track of readings. */
import type { Pool } from 'pg';
import { conditions, pageOf, signedByCondition } from '../database/paging';

export interface SealSummary {
  sealId: string;
  deviceId: string;
  state: string;
  declarationIds: string[];
  routeId: string | null;
  conveyance: string | null;
  appliedAt: string | null;
  alarms: string[];
  lastEvent: string;
  blockNumber: string;
}

interface SealRow {
  seal_id: string;
  device_id: string;
  state: string;
  declaration_ids: string[];
  route_id: string | null;
  conveyance: string | null;
  applied_at: Date | null;
  alarms: string[];
  last_event: string;
  block_number: string;
}

const summary = (r: SealRow): SealSummary => ({
  sealId: r.seal_id,
  deviceId: r.device_id,
  state: r.state,
  declarationIds: r.declaration_ids,
  routeId: r.route_id,
  conveyance: r.conveyance,
  appliedAt: r.applied_at?.toISOString() ?? null,
  alarms: r.alarms,
  lastEvent: r.last_event,
  blockNumber: r.block_number,
});

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
  const { rows } = await pool.query<SealRow>(
    `SELECT seal_id, device_id, state, declaration_ids, route_id, conveyance, applied_at, alarms,
            last_event, block_number::text
     FROM seals s ${where.sql()}
     ORDER BY seal_id LIMIT ${limit}`,
    where.values,
  );
  return pageOf(rows, filter.limit, summary, (r) => r.seal_id);
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

export interface TrackPointRow {
  counter: number;
  time: string;
  lat: number;
  lon: number;
  event: string;
  controlPoint?: string;
  anchored: boolean;
}

/** A reading's time as the API writes times (ISO 8601, UTC, milliseconds), as `time`. */
export const READING_TIME = `to_char(reading_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time`;

const POINT_COLUMNS = `counter::float8 AS counter, ${READING_TIME},
  lat, lon, event, signed->'reading'->>'controlPoint' AS "controlPoint", batch_id IS NOT NULL AS anchored`;

const point = (r: TrackPointRow): TrackPointRow => {
  const { controlPoint, ...rest } = r;
  return controlPoint ? { ...rest, controlPoint } : rest;
};

/** A seal's readings in counter order, after `afterCounter`. */
export async function sealTrack(
  pool: Pool,
  sealId: string,
  afterCounter: number,
  limit: number,
): Promise<TrackPointRow[]> {
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
): Promise<{ lastReading: TrackPointRow | null; stored: number; pendingAnchor: number }> {
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
