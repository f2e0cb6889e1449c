/** Last verified NFC read counter per tag, in PostgreSQL; advancing is one atomic statement. */
import type { TagCounterStore } from '@clearance/domain/node';
import type { Pool } from 'pg';

export function pgTagCounterStore(pool: Pool): TagCounterStore {
  return {
    async last(uid) {
      const { rows } = await pool.query<{ last_counter: number }>(
        'SELECT last_counter FROM tag_counters WHERE tag_uid = $1',
        [uid],
      );
      return rows[0]?.last_counter;
    },
    async advance(uid, counter) {
      // Insert, or raise only if larger: two taps racing cannot both pass.
      const { rowCount } = await pool.query(
        `INSERT INTO tag_counters (tag_uid, last_counter) VALUES ($1, $2)
         ON CONFLICT (tag_uid) DO UPDATE SET last_counter = EXCLUDED.last_counter, updated_at = now()
         WHERE tag_counters.last_counter < EXCLUDED.last_counter`,
        [uid, counter],
      );
      return rowCount === 1;
    },
  };
}
