/**
 * Judging a seal's readings against its route, without I/O: tamper and opening reported
 * by the device, the truck leaving the route's corridor, and the trip taking longer than
 * expected. The monitor loop (monitor-loop.ts) feeds readings in counter order and raises
 * each alarm kind once per seal.
 */
import {
  cumulativeLengthsM,
  distanceM,
  distanceToRouteM,
  type Point,
} from '@clearance/seal-devices/domain';
import { CONTROL_POINTS, type ControlPoint, type Route } from '@clearance/seal-devices/domain';

export type MonitorAlarmKind = 'TAMPER' | 'OPENED' | 'ROUTE_DEVIATION' | 'OVERDUE';

export interface TrackPoint {
  counter: number;
  time: string;
  lat: number;
  lon: number;
  event: string;
  lock?: string | undefined;
}

export interface MonitorPolicy {
  /** Farthest a position may be from the route's polyline (m). */
  corridorM: number;
  /** Consecutive readings outside the corridor that make a deviation (one is GPS noise). */
  deviationReadings: number;
  /** Average speed the expected transit time is computed at (km/h). */
  expectedSpeedKmh: number;
  /** Time allowed on top (queues at the boundary, loading), in ms. */
  allowanceMs: number;
}

export const DEFAULT_POLICY: MonitorPolicy = {
  corridorM: 1000,
  deviationReadings: 2,
  expectedSpeedKmh: 30,
  allowanceMs: 2 * 3600_000,
};

/** What has been seen of one seal so far; fold new readings in with observe(). */
export interface WatchState {
  lastCounter: number;
  /** Consecutive readings outside the corridor up to the last one. */
  outside: number;
  /** Whether the seal has reached its destination's geofence. */
  arrived: boolean;
  /** Alarm kinds found, with what shows them (first occurrence). */
  found: Partial<Record<MonitorAlarmKind, string>>;
}

export const initialWatch = (): WatchState => ({
  lastCounter: 0,
  outside: 0,
  arrived: false,
  found: {},
});

const place = (id: string): ControlPoint | undefined => CONTROL_POINTS.find((c) => c.id === id);

function within(p: Point, id: string | undefined): boolean {
  const cp = id === undefined ? undefined : place(id);
  return cp !== undefined && distanceM(p, cp) <= cp.radiusM;
}

export function expectedTransitMs(route: Route, policy: MonitorPolicy = DEFAULT_POLICY): number {
  return (
    ((cumulativeLengthsM(route.waypoints).at(-1) ?? 0) /
      ((policy.expectedSpeedKmh * 1000) / 3600)) *
      1000 +
    policy.allowanceMs
  );
}

/**
 * Folds readings (in counter order; older counters are ignored) into the state. Without a
 * known route only what the device reports (tamper, opening) is judged.
 */
export function observe(
  route: Route | undefined,
  state: WatchState,
  points: readonly TrackPoint[],
  policy: MonitorPolicy = DEFAULT_POLICY,
): WatchState {
  const next: WatchState = { ...state, found: { ...state.found } };
  const destination = route?.controlPoints[route.controlPoints.length - 1];
  for (const r of points) {
    if (r.counter <= next.lastCounter) continue;
    next.lastCounter = r.counter;
    const at = `reading ${r.counter} at ${r.time} (${r.lat}, ${r.lon})`;
    if (r.event === 'TAMPER') next.found.TAMPER ??= `tamper reported: ${at}`;
    // Opening is allowed only inside a control point of the route (inspection, destination).
    if (
      (r.event === 'OPENED' || r.lock === 'OPEN') &&
      !route?.controlPoints.some((id) => within(r, id))
    )
      next.found.OPENED ??= `opened outside an authorised place: ${at}`;
    if (!route) continue;
    if (within(r, destination)) next.arrived = true;
    const off = distanceToRouteM(r, route.waypoints);
    next.outside = off > policy.corridorM ? next.outside + 1 : 0;
    if (next.outside >= policy.deviationReadings)
      next.found.ROUTE_DEVIATION ??= `${Math.round(off)} m off route ${route.id} for ${next.outside} readings: ${at}`;
  }
  return next;
}

/** The alarms due now, not counting the kinds already raised for this seal. */
export function dueAlarms(options: {
  route: Route | undefined;
  appliedAt: string;
  state: WatchState;
  raised: readonly string[];
  now: number;
  policy?: MonitorPolicy;
}): { kind: MonitorAlarmKind; detail: string }[] {
  const { route, state, raised } = options;
  const found = { ...state.found };
  if (route && !state.arrived && !found.OVERDUE) {
    const due = Date.parse(options.appliedAt) + expectedTransitMs(route, options.policy);
    if (options.now > due)
      found.OVERDUE = `not at ${route.controlPoints[route.controlPoints.length - 1]} by ${new Date(due).toISOString()} (applied ${options.appliedAt})`;
  }
  return (Object.entries(found) as [MonitorAlarmKind, string][])
    .filter(([kind]) => !raised.includes(kind))
    .map(([kind, detail]) => ({ kind, detail: detail.slice(0, 400) }));
}
