/**
 * Sessions and sign-in challenges in PostgreSQL, so a restarted gateway (or another
 * instance) knows them. Only the token's hash is stored.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { Principal } from './principal';
import { newToken, sha256Hex } from './secrets';

export const SESSION_TTL_MS = 8 * 3600_000;
export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface SessionStore {
  create(principal: Principal): Promise<{ token: string; expiresAt: Date }>;
  find(token: string): Promise<Principal | undefined>;
  revoke(token: string): Promise<void>;
  newChallenge(): Promise<{ challengeId: string; challenge: Buffer; expiresAt: Date }>;
  /** The challenge bytes, once: a challenge cannot be answered twice. */
  takeChallenge(challengeId: string): Promise<Buffer | undefined>;
}

export function createSessionStore(pool: Pool): SessionStore {
  return {
    async create(principal) {
      const token = newToken();
      const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
      await pool.query(
        'INSERT INTO sessions (token_sha256, principal, expires_at) VALUES ($1, $2, $3)',
        [sha256Hex(token), JSON.stringify(principal), expiresAt],
      );
      return { token, expiresAt };
    },

    async find(token) {
      const { rows } = await pool.query<{ principal: unknown }>(
        'SELECT principal FROM sessions WHERE token_sha256 = $1 AND expires_at > now()',
        [sha256Hex(token)],
      );
      const parsed = Principal.safeParse(rows[0]?.principal);
      return parsed.success ? parsed.data : undefined;
    },

    async revoke(token) {
      await pool.query('DELETE FROM sessions WHERE token_sha256 = $1', [sha256Hex(token)]);
    },

    async newChallenge() {
      const challengeId = randomUUID();
      const challenge = randomBytes(32);
      const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
      await pool.query(
        'INSERT INTO auth_challenges (challenge_id, challenge, expires_at) VALUES ($1, $2, $3)',
        [challengeId, challenge, expiresAt],
      );
      // Expired challenges and sessions are swept as new ones are made.
      await pool.query('DELETE FROM auth_challenges WHERE expires_at < now()');
      await pool.query('DELETE FROM sessions WHERE expires_at < now()');
      return { challengeId, challenge, expiresAt };
    },

    async takeChallenge(challengeId) {
      const { rows } = await pool.query<{ challenge: Buffer }>(
        'DELETE FROM auth_challenges WHERE challenge_id = $1 AND expires_at > now() RETURNING challenge',
        [challengeId],
      );
      return rows[0]?.challenge;
    },
  };
}
