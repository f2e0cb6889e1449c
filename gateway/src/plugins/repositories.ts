/**
 * The index's read models as repositories, made once from the pool and decorated on the app
 * (fastify/demo's shape): routes reach `app.declarationIndex`, `app.sealIndex`,
 * `app.crossingIndex` and `app.eventIndex` instead of holding the pool and passing it to
 * query functions. Only a gateway with a database has them (and the routes that use them).
 */
import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import {
  getDeclarationSummary,
  listCrossings,
  listDeclarations,
  type CrossingFilter,
  type DeclarationFilter,
} from '../projection/queries';
import { listSeals, sealReadingsState, sealTrack, signedBy } from '../seals/queries';

declare module 'fastify' {
  interface FastifyInstance {
    declarationIndex: DeclarationIndex;
    sealIndex: SealIndex;
    crossingIndex: CrossingIndex;
    eventIndex: EventIndex;
  }
}

export type DeclarationIndex = ReturnType<typeof createDeclarationIndex>;
export type SealIndex = ReturnType<typeof createSealIndex>;
export type CrossingIndex = ReturnType<typeof createCrossingIndex>;
export type EventIndex = ReturnType<typeof createEventIndex>;

export function createDeclarationIndex(pool: Pool) {
  return {
    /** Newest first, in keyset pages; undefined for a cursor this API did not give. */
    list: (filter: DeclarationFilter) => listDeclarations(pool, filter),
    /** The summary and who signed it, or undefined. */
    summary: (declarationId: string) => getDeclarationSummary(pool, declarationId),
    /** Which of these declarations the signer (by signer id) signed. */
    signedBy: (declarationIds: readonly string[], signerId: string) =>
      signedBy(pool, declarationIds, signerId),
  };
}

export function createSealIndex(pool: Pool) {
  return {
    list: (filter: Parameters<typeof listSeals>[1]) => listSeals(pool, filter),
    track: (sealId: string, afterCounter: number, limit: number) =>
      sealTrack(pool, sealId, afterCounter, limit),
    readingsState: (sealId: string) => sealReadingsState(pool, sealId),
  };
}

export function createCrossingIndex(pool: Pool) {
  return {
    /** Oldest first, in keyset pages; undefined for a cursor this API did not give. */
    list: (filter: CrossingFilter) => listCrossings(pool, filter),
  };
}

/** Which indexed ledger events a reader may see (decided by the route from the principal). */
export type EventScope =
  | { kind: 'all' }
  /** Events naming a declaration the trader signed. */
  | { kind: 'signer'; signerId: string }
  /** Decisions, outcomes and taps at one control point (a lane device). */
  | { kind: 'controlPoint'; controlPoint: string }
  /** Seal, device, anchoring and checkpoint events (e-lock operators). */
  | { kind: 'seals' };

export interface IndexedEventRow {
  seq: string;
  event_name: string;
  payload: unknown;
}

/** The scope as a SQL condition on `e` (ledger_events), its values from $4. */
function scopeCondition(scope: EventScope): { sql: string; values: unknown[] } {
  switch (scope.kind) {
    case 'signer':
      return {
        sql: `EXISTS (SELECT 1 FROM declarations d WHERE d.signer_id = $4
              AND (d.declaration_id = e.payload->>'declarationId' OR e.payload->'heldDeclarations' ? d.declaration_id
                   OR e.payload->'declarationIds' ? d.declaration_id))`,
        values: [scope.signerId],
      };
    case 'controlPoint':
      return {
        sql: `(e.event_name IN ('CrossingDecided', 'CrossingInspectionRecorded', 'CheckpointVerified')
              AND e.payload->>'controlPoint' = $4)`,
        values: [scope.controlPoint],
      };
    case 'seals':
      return {
        sql: `(e.event_name LIKE 'Seal%' OR e.event_name LIKE 'Device%' OR e.event_name IN ('ReadingsAnchored', 'CheckpointVerified'))`,
        values: [],
      };
    case 'all':
      return { sql: 'true', values: [] };
  }
}

export function createEventIndex(pool: Pool) {
  return {
    /** The position of the newest indexed event ('0' when there is none). */
    async head(): Promise<string> {
      const { rows } = await pool.query<{ seq: string | null }>(
        'SELECT max(seq)::text AS seq FROM ledger_events',
      );
      return rows[0]?.seq ?? '0';
    },
    /** Events in (after, upto] the scope lets see, in order, at most `limit`. */
    async page(
      scope: EventScope,
      after: string,
      upto: string,
      limit: number,
    ): Promise<IndexedEventRow[]> {
      const { sql, values } = scopeCondition(scope);
      const { rows } = await pool.query<IndexedEventRow>(
        `SELECT seq::text, event_name, payload FROM ledger_events e
         WHERE e.seq > $1 AND e.seq <= $2 AND ${sql} ORDER BY e.seq LIMIT $3`,
        [after, upto, limit, ...values],
      );
      return rows;
    },
  };
}

/** Decorates the app with the index's repositories, made from `pool`. */
export default fp<{ pool: Pool }>(
  async (app, { pool }) => {
    app.decorate('declarationIndex', createDeclarationIndex(pool));
    app.decorate('sealIndex', createSealIndex(pool));
    app.decorate('crossingIndex', createCrossingIndex(pool));
    app.decorate('eventIndex', createEventIndex(pool));
  },
  { name: 'repositories' },
);
