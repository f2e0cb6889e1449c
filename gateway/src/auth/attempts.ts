/**
 * Failed sign-in attempts per account, whatever address they come from: after `max`
 * failures within `windowMs` the account refuses further attempts until the window ends.
 * Kept in this process (as the rate limiter's own store is).
 */
export interface AttemptLimiter {
  /** Whether the account may be tried now. */
  allowed(key: string, now?: number): boolean;
  /** A wrong password for the account. */
  failed(key: string, now?: number): void;
}

export function createAttemptLimiter(options: {
  max: number;
  windowMs: number;
  /** Accounts tracked at most (expired entries are dropped first when full). */
  capacity?: number;
}): AttemptLimiter {
  const windows = new Map<string, { failures: number; endsAt: number }>();
  const capacity = options.capacity ?? 10_000;
  const current = (key: string, now: number) => {
    const entry = windows.get(key);
    if (entry && entry.endsAt <= now) windows.delete(key);
    return entry && entry.endsAt > now ? entry : undefined;
  };
  return {
    allowed(key, now = Date.now()) {
      return (current(key, now)?.failures ?? 0) < options.max;
    },
    failed(key, now = Date.now()) {
      const entry = current(key, now);
      if (entry) {
        entry.failures++;
        return;
      }
      if (windows.size >= capacity) {
        for (const [k, e] of windows) if (e.endsAt <= now) windows.delete(k);
        // Still full: the oldest entry makes room (Map keeps insertion order).
        if (windows.size >= capacity) windows.delete(windows.keys().next().value!);
      }
      windows.set(key, { failures: 1, endsAt: now + options.windowMs });
    },
  };
}
