/** What every session store must do: run on the memory twin (unit) and PostgreSQL (integration). */
import { describe, expect, it } from '@jest/globals';
import { TEST_OFFICER } from '../gateway/fixtures';
import type { SessionStore } from '@clearance/gateway';

export function sessionStoreBehaviour(store: () => SessionStore): void {
  describe('session store', () => {
    it('finds the principal of a token until it is revoked', async () => {
      const { token, expiresAt } = await store().create(TEST_OFFICER);
      expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
      await expect(store().find(token)).resolves.toEqual(TEST_OFFICER);
      await expect(store().find(`${token}x`)).resolves.toBeUndefined();
      await store().revoke(token);
      await expect(store().find(token)).resolves.toBeUndefined();
    });

    it('gives a challenge once', async () => {
      const { challengeId, challenge } = await store().newChallenge();
      expect(challenge).toHaveLength(32);
      await expect(store().takeChallenge(challengeId)).resolves.toEqual(challenge);
      await expect(store().takeChallenge(challengeId)).resolves.toBeUndefined();
    });
  });
}
