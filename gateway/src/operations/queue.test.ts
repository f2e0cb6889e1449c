/** The retry pause of an operation: doubling from 100 ms, never more than 2 s. */
import { describe, expect, it } from '@jest/globals';
import { redisRetryDelayMs, retryDelayMs } from './queue';

describe('retryDelayMs', () => {
  it('doubles from 100 ms and stops at 2 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50, 1000].map(retryDelayMs)).toEqual([
      100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000,
    ]);
  });
});

describe('redisRetryDelayMs', () => {
  it('reconnects to Redis at most a second apart', () => {
    expect([0, 1, 2, 3, 4, 10, 100].map(redisRetryDelayMs)).toEqual([
      250, 250, 500, 750, 1000, 1000, 1000,
    ]);
  });
});
