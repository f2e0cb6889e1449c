/**
 * Wrong officer passwords, counted so that guessing is slow and nobody can lock an officer
 * out who is not at the officer's own address:
 *
 * - one address and one account: after `perAddressAccount.max` wrong passwords in the
 *   window, that address may not try that account until the window ends (only the guesser
 *   is refused);
 * - one address, every account: after `perAddress.max`, that address may try none (one
 *   address spraying many accounts);
 * - one account, every address: after `perAccount.max` (guessing spread over many
 *   addresses), the account may be tried only from addresses it signed in from before
 *   (remembered `knownAddressMs`), so its officer at their usual workstation still signs in.
 *
 * A right password counts nothing against anyone. Kept in this process, in maps of at most
 * `capacity` entries each (the rate limiter's own store is per process too).
 */
import { BoundedCache, WindowCounter } from '../limits/bounded-cache';

export interface SignInGuardLimits {
  perAddressAccount: { max: number; windowMs: number };
  perAddress: { max: number; windowMs: number };
  perAccount: { max: number; windowMs: number };
  knownAddressMs: number;
  capacity: number;
}

export const SIGN_IN_GUARD: SignInGuardLimits = {
  perAddressAccount: { max: 5, windowMs: 15 * 60_000 },
  perAddress: { max: 20, windowMs: 15 * 60_000 },
  perAccount: { max: 50, windowMs: 15 * 60_000 },
  knownAddressMs: 30 * 24 * 3600_000,
  capacity: 10_000,
};

export interface SignInGuard {
  /** Whether `address` may try `account` now. */
  allowed(account: string, address: string): boolean;
  /** A wrong password for `account` from `address`. */
  failed(account: string, address: string): void;
  /** `account` signed in from `address`: it may sign in from there whatever others did. */
  succeeded(account: string, address: string): void;
}

export function createSignInGuard(
  limits: SignInGuardLimits = SIGN_IN_GUARD,
  now: () => number = Date.now,
): SignInGuard {
  const pair = (account: string, address: string) => `${account}\n${address}`;
  const byPair = new WindowCounter(limits.perAddressAccount.windowMs, limits.capacity, now);
  const byAddress = new WindowCounter(limits.perAddress.windowMs, limits.capacity, now);
  const byAccount = new WindowCounter(limits.perAccount.windowMs, limits.capacity, now);
  const known = new BoundedCache<string, true>(limits.capacity, limits.knownAddressMs, now);
  return {
    allowed(account, address) {
      if (byPair.count(pair(account, address)) >= limits.perAddressAccount.max) return false;
      if (byAddress.count(address) >= limits.perAddress.max) return false;
      return byAccount.count(account) < limits.perAccount.max || known.has(pair(account, address));
    },
    failed(account, address) {
      byPair.add(pair(account, address));
      byAddress.add(address);
      byAccount.add(account);
    },
    succeeded(account, address) {
      known.set(pair(account, address), true);
    },
  };
}
