/** This gateway's copy of a side's commercial values for a dual filing (PostgreSQL). */
import type { Jurisdiction } from '@clearance/domain';
import type { Pool } from 'pg';
import type { DualCommercialStore } from './worker';

export function createDualCommercialStore(pool: Pool): DualCommercialStore & {
  put(
    submissionId: string,
    version: number,
    jurisdiction: Jurisdiction,
    json: string,
  ): Promise<void>;
} {
  return {
    async put(submissionId, version, jurisdiction, json) {
      // A retried request stores the same values again: the first copy stays.
      await pool.query(
        `INSERT INTO dual_commercial (submission_id, version, jurisdiction, commercial)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [submissionId, version, jurisdiction, json],
      );
    },
    async get(submissionId, version, jurisdiction) {
      const { rows } = await pool.query<{ commercial: string }>(
        `SELECT commercial FROM dual_commercial
         WHERE submission_id = $1 AND version = $2 AND jurisdiction = $3`,
        [submissionId, version, jurisdiction],
      );
      return rows[0]?.commercial;
    },
  };
}
