/**
 * Open-model load: requests start at a fixed arrival rate whatever the system does, and
 * each latency is measured from the request's intended start, so a system that falls
 * behind is charged for the queue it builds (no coordinated omission).
 */

export interface OpenLoopResult {
  /** Requests sent. */
  sent: number;
  /** Latencies (ms, from the intended start) of the requests that succeeded. */
  latencies: number[];
  errors: number;
  /** First error message seen, to report. */
  firstError?: string;
  /** From the first intended start to the last completion (s). */
  seconds: number;
  /**
   * Successes per second, over the span from the first to the last success: the rate
   * commits came out at. A constant latency does not lower it; falling behind does.
   */
  perSecond: number;
}

export async function openLoop(options: {
  rate: number;
  /** How long to send for; Infinity with `stopped` to send until told. */
  seconds: number;
  /** Checked before each request: true ends the sending. */
  stopped?: () => boolean;
  task(i: number): Promise<void>;
}): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let firstDone = Number.NaN;
  let lastDone = Number.NaN;
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  let sent = 0;
  for (; sent < total && !options.stopped?.(); sent++) {
    const i = sent;
    const intended = t0 + i * intervalMs;
    const wait = intended - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      options.task(i).then(
        () => {
          const now = performance.now();
          latencies.push(now - intended);
          if (Number.isNaN(firstDone)) firstDone = now;
          lastDone = now;
        },
        (error: unknown) => {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  return {
    sent,
    latencies,
    errors,
    ...(firstError ? { firstError } : {}),
    seconds,
    perSecond:
      latencies.length > 1
        ? ((latencies.length - 1) * 1000) / (lastDone - firstDone)
        : latencies.length / seconds,
  };
}
