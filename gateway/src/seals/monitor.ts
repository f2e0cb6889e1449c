/**
 * Judging a seal's readings against its route, without I/O: tamper and opening reported
 * by the device, the truck leaving the route's corridor, and the trip taking longer than
 * expected. The monitor loop (monitor-loop.ts) feeds readings in counter order and raises
 * each alarm kind once per seal while it stands; once a joint inspection cleared every
 * alarm of a kind, a new occurrence (a reading past what the inspection covered: a tamper
 * event, an opening or a deviation that starts anew) raises it again. An overdue trip is
 * not raised again once cleared.
 */
import {
  cumulativeLengthsM,
  distanceM,
  distanceToRouteM,
  type Point,
  CONTROL_POINTS,
  type ControlPoint,
  type Route,
} from '@clearance/domain/node';

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
  /** Whether the last reading showed the lock open away from the route's control points. */
  openedOutside: boolean;
  /** Alarm kinds found, with what shows them (first occurrence). */
  found: Partial<Record<MonitorAlarmKind, string>>;
  /** The latest start of each kind found in readings: its counter and what shows it. */
  latest: Partial<Record<MonitorAlarmKind, { counter: number; detail: string }>>;
}

export const initialWatch = (): WatchState => ({
  lastCounter: 0,
  outside: 0,
  arrived: false,
  openedOutside: false,
  found: {},
  latest: {},
});

/** An alarm of the seal as the ledger has it: its kind, and how far a clearing covered it. */
export interface RaisedAlarm {
  kind: string;
  clearedBy?: { throughCounter: number } | undefined;
}

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
  const next: WatchState = { ...state, found: { ...state.found }, latest: { ...state.latest } };
  const destination = route?.controlPoints[route.controlPoints.length - 1];
  const occurs = (kind: MonitorAlarmKind, counter: number, detail: string, starts: boolean) => {
    next.found[kind] ??= detail;
    if (starts) next.latest[kind] = { counter, detail };
  };
  for (const r of points) {
    if (r.counter <= next.lastCounter) continue;
    next.lastCounter = r.counter;
    const at = `reading ${r.counter} at ${r.time} (${r.lat}, ${r.lon})`;
    if (r.event === 'TAMPER') occurs('TAMPER', r.counter, `tamper reported: ${at}`, true);
    // Opening is allowed only inside a control point of the route (inspection, destination).
    const opened =
      (r.event === 'OPENED' || r.lock === 'OPEN') &&
      !route?.controlPoints.some((id) => within(r, id));
    if (opened)
      occurs('OPENED', r.counter, `opened outside an authorised place: ${at}`, !next.openedOutside);
    next.openedOutside = opened;
    if (!route) continue;
    if (within(r, destination)) next.arrived = true;
    const off = distanceToRouteM(r, route.waypoints);
    next.outside = off > policy.corridorM ? next.outside + 1 : 0;
    if (next.outside >= policy.deviationReadings)
      occurs(
        'ROUTE_DEVIATION',
        r.counter,
        `${Math.round(off)} m off route ${route.id} for ${next.outside} readings: ${at}`,
        next.outside === policy.deviationReadings,
      );
  }
  return next;
}

/** The counter of the latest start of any alarm kind found so far (0: none). */
export function newestOccurrence(state: WatchState): number {
  return Math.max(0, ...Object.values(state.latest).map((o) => o.counter));
}

/** The counter a kind's clearings covered when every alarm of it is cleared; else null. */
function clearedThrough(alarms: readonly RaisedAlarm[], kind: string): number | null {
  const ofKind = alarms.filter((a) => a.kind === kind);
  if (ofKind.length === 0 || ofKind.some((a) => a.clearedBy === undefined)) return null;
  return Math.max(...ofKind.map((a) => a.clearedBy?.throughCounter ?? 0));
}

/**
 * Whether the ledger's record of the seal may be stale for deciding: a kind raised and not
 * known cleared has an occurrence that a clearing since may not have covered. The loop then
 * reads the seal again (now and then), to see clearings recorded by crossings.
 */
export function mayBeDueAgain(state: WatchState, alarms: readonly RaisedAlarm[]): boolean {
  return (Object.keys(state.latest) as MonitorAlarmKind[]).some((kind) => {
    const occurrence = state.latest[kind];
    if (!occurrence || !alarms.some((a) => a.kind === kind)) return false;
    const through = clearedThrough(alarms, kind);
    return through === null || occurrence.counter > through;
  });
}

/**
 * The alarms due now: a kind found and never raised for this seal; or a kind every alarm of
 * which a joint inspection cleared, found again past the readings the clearing covered.
 */
export function dueAlarms(options: {
  route: Route | undefined;
  appliedAt: string;
  state: WatchState;
  raised: readonly RaisedAlarm[];
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
  const due: { kind: MonitorAlarmKind; detail: string }[] = [];
  for (const [kind, first] of Object.entries(found) as [MonitorAlarmKind, string][]) {
    if (!raised.some((a) => a.kind === kind)) {
      due.push({ kind, detail: first.slice(0, 400) });
      continue;
    }
    const through = clearedThrough(raised, kind);
    const again = state.latest[kind];
    if (through !== null && again && again.counter > through)
      due.push({ kind, detail: `again after clearance: ${again.detail}`.slice(0, 400) });
  }
  return due;
}
