import { createAttemptLimiter } from './attempts';

describe('attempt limiter', () => {
  it('refuses an account after max failures in the window, and allows it again after', () => {
    const limiter = createAttemptLimiter({ max: 3, windowMs: 1000 });
    for (let n = 0; n < 3; n++) {
      expect(limiter.allowed('gd/officer1', 0)).toBe(true);
      limiter.failed('gd/officer1', n);
    }
    expect(limiter.allowed('gd/officer1', 10)).toBe(false);
    expect(limiter.allowed('gd/other', 10)).toBe(true);
    expect(limiter.allowed('gd/officer1', 1000)).toBe(true);
  });

  it('holds at most `capacity` accounts, dropping the oldest', () => {
    const limiter = createAttemptLimiter({ max: 1, windowMs: 1000, capacity: 2 });
    limiter.failed('a', 0);
    limiter.failed('b', 0);
    limiter.failed('c', 0);
    expect(limiter.allowed('a', 1)).toBe(true);
    expect(limiter.allowed('b', 1)).toBe(false);
    expect(limiter.allowed('c', 1)).toBe(false);
  });
});
