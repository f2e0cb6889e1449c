/** In-memory twin of the session store, for unit tests (same behaviour suite as PostgreSQL). */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Principal,
  newToken,
  sha256Hex,
  CHALLENGE_TTL_MS,
  SESSION_TTL_MS,
  type SessionStore,
} from '@clearance/gateway';

export function createMemorySessionStore(now: () => number = Date.now): SessionStore {
  const sessions = new Map<string, { principal: Principal; expires: number }>();
  const challenges = new Map<string, { challenge: Buffer; expires: number }>();
  return {
    async create(principal) {
      const token = newToken();
      const expires = now() + SESSION_TTL_MS;
      sessions.set(sha256Hex(token), { principal, expires });
      return { token, expiresAt: new Date(expires) };
    },
    async find(token) {
      const s = sessions.get(sha256Hex(token));
      return s && s.expires > now() ? s.principal : undefined;
    },
    async revoke(token) {
      sessions.delete(sha256Hex(token));
    },
    async newChallenge() {
      const challengeId = randomUUID();
      const challenge = randomBytes(32);
      const expires = now() + CHALLENGE_TTL_MS;
      challenges.set(challengeId, { challenge, expires });
      return { challengeId, challenge, expiresAt: new Date(expires) };
    },
    async takeChallenge(challengeId) {
      const c = challenges.get(challengeId);
      challenges.delete(challengeId);
      return c && c.expires > now() ? c.challenge : undefined;
    },
  };
}
