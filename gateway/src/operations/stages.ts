/**
 * Where an operation's time goes inside this gateway, as a histogram per stage on /metrics
 * (`gateway_operation_stage_seconds{stage}`): accepted (request received → row stored, the
 * signature check included), stored (the INSERT), queued (the enqueue), picked (enqueued →
 * a worker runs it), loaded (the runner reads the row), endorsed, envelope (stored before
 * sending), ordered (broadcast), committed (the commit status), recorded (the outcome
 * written and notified), answered (recorded → the waiting request woken and answered),
 * total (request received → answered). Timing only: nothing here changes what happens.
 */
import { Histogram } from 'prom-client';
import { registry } from '../metrics';

export const operationStageSeconds = new Histogram({
  name: 'gateway_operation_stage_seconds',
  help: "Time an operation spends in each stage of this gateway's path",
  labelNames: ['stage'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export function observeStage(stage: string, seconds: number): void {
  operationStageSeconds.observe({ stage }, seconds);
}

/** Runs `fn`, observing its duration as `stage` (when it succeeds). */
export async function timeStage<T>(stage: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await fn();
  observeStage(stage, (performance.now() - started) / 1000);
  return value;
}

/** When an operation was last handed on in this process (enqueued, recorded), by id. */
const marks = new Map<string, number>();
const MAX_MARKS = 10_000;

export function markStage(operationId: string): void {
  if (marks.size >= MAX_MARKS) marks.clear(); // timing only: losing marks loses samples
  marks.set(operationId, performance.now());
}

/** Observes the time since the operation's mark as `stage`, if this process marked it. */
export function sinceMark(operationId: string, stage: string): void {
  const at = marks.get(operationId);
  if (at === undefined) return;
  marks.delete(operationId);
  observeStage(stage, (performance.now() - at) / 1000);
}
