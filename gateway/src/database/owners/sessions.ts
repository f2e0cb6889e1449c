/** Sign-in: trader challenges and sessions. */
import type { MigrationPart } from '../migration-part';

export const SESSIONS: readonly MigrationPart[] = [
  {
    version: 4,
    up: `
      CREATE TABLE auth_challenges (
        challenge_id uuid PRIMARY KEY,
        challenge    bytea NOT NULL,
        expires_at   timestamptz NOT NULL
      );
      CREATE TABLE sessions (
        token_sha256 text PRIMARY KEY,
        principal    jsonb NOT NULL,
        expires_at   timestamptz NOT NULL
      );`,
    down: `DROP TABLE sessions; DROP TABLE auth_challenges;`,
  },
  {
    version: 9,
    // A trader's principal id is now their signer id: sessions made before name the old one.
    up: `DELETE FROM sessions WHERE principal->>'kind' = 'trader';`,
    down: `DELETE FROM sessions WHERE principal->>'kind' = 'trader';`,
  },
];
