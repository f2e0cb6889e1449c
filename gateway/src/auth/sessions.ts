/**
 * Sessions and sign-in challenges in PostgreSQL, so a restarted gateway (or another
 * instance) knows them. Only the token's hash is stored.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { Principal } from './principal';
import { newToken, sha256Hex } from './secrets';

export const SESSION_TTL_MS = 8 * 3600_000;
/**
 * How long a looked-up session is trusted without asking PostgreSQL again: reads stay one
 * round trip; a sign-out elsewhere reaches this process within this time.
 */
export const SESSION_CACHE_MS = 10_000;
const SESSION_CACHE_MAX = 10_000;
export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface SessionStore {
  create(principal: Principal): Promise<{ token: string; expiresAt: Date }>;
  find(token: string): Promise<Principal | undefined>;
  revoke(token: string): Promise<void>;
  newChallenge(): Promise<{ challengeId: string; challenge: Buffer; expiresAt: Date }>;
  /** The challenge bytes, once: a challenge cannot be answered twice. */
  takeChallenge(challengeId: string): Promise<Buffer | undefined>;
}

export function createSessionStore(pool: Pool, now: () => number = Date.now): SessionStore {
  const cache = new Map<string, { principal: Principal; until: number }>();
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
      const key = sha256Hex(token);
      const cached = cache.get(key);
      if (cached && cached.until > now()) return cached.principal;
      const { rows } = await pool.query<{ principal: unknown; expires_at: Date }>(
        'SELECT principal, expires_at FROM sessions WHERE token_sha256 = $1 AND expires_at > now()',
        [key],
      );
      const parsed = Principal.safeParse(rows[0]?.principal);
      if (!parsed.success || !rows[0]) return undefined;
      if (cache.size >= SESSION_CACHE_MAX) cache.clear();
      const until = Math.min(now() + SESSION_CACHE_MS, rows[0].expires_at.getTime());
      cache.set(key, { principal: parsed.data, until });
      return parsed.data;
    },

    async revoke(token) {
      const key = sha256Hex(token);
      cache.delete(key);
      await pool.query('DELETE FROM sessions WHERE token_sha256 = $1', [key]);
    },

    async newChallenge() {
      const challengeId = randomUUID();
      const challenge = randomBytes(32);
      const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
      // Expired challenges and sessions are swept as new ones are made (one round trip).
      await pool.query(
        `WITH expired_challenges AS (DELETE FROM auth_challenges WHERE expires_at < now()),
              expired_sessions AS (DELETE FROM sessions WHERE expires_at < now())
         INSERT INTO auth_challenges (challenge_id, challenge, expires_at) VALUES ($1, $2, $3)`,
        [challengeId, challenge, expiresAt],
      );
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
