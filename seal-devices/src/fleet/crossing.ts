/**
 * A truck driven to a boundary control point, with the faults the boundary decision must
 * answer INSPECT to. Pure: the readings of the trip up to the lane (the geofence entry at
 * the control point, where the officer taps) and, per fault, what the lock reported and the
 * reason code the ledger is expected to give (domain/src/crossings/crossing.ts).
 *
 * `silent` is a lock that stopped reporting: its readings end `silentMinutes` before the
 * truck reaches the lane (the caller, who knows the ledger's silence limit, says how long).
 * `unreleased` is a fault of the paperwork, not of the lock: the trip is clean and the
 * declaration is left unreleased by whoever drives the scenario.
 */
import type { SignedReading, Route } from '@clearance/domain/node';
import { simulateTrip, type Fault, type LockOptions } from './simulator';

export const CROSSING_FAULTS = {
  tamper: { fault: { kind: 'TAMPER', atFraction: 0.3 }, reason: 'ALARM_TAMPER', alarm: 'TAMPER' },
  deviation: {
    fault: { kind: 'DEVIATION', fromFraction: 0.2, offsetM: 2500 },
    reason: 'ALARM_ROUTE_DEVIATION',
    alarm: 'ROUTE_DEVIATION',
  },
  silent: { fault: null, reason: 'READINGS_SILENT', alarm: null },
  unreleased: { fault: null, reason: 'DECLARATION_NOT_RELEASED', alarm: null },
} as const satisfies Record<string, { fault: Fault | null; reason: string; alarm: string | null }>;
export type CrossingFault = keyof typeof CROSSING_FAULTS;

export interface ArrivalTrip {
  /** What the lock reported, in order, up to the lane (fewer for a silent lock). */
  readings: SignedReading[];
  /** When the truck reaches the control point's geofence (the time of the tap). */
  arrivalTime: string;
  /** The reason code the boundary decision must give (none for a clean trip). */
  expectedReason: string | null;
  /** The alarm the e-lock operator raises on the ledger for this trip, if any. */
  alarm: string | null;
}

/** A silent lock needs how long it was silent; any other fault, or none, does not. */
export type ArrivalFault =
  { fault?: Exclude<CrossingFault, 'silent'> } | { fault: 'silent'; silentMinutes: number };

/** Drives `route` to `controlPoint`; throws if the route does not pass it. */
export function driveToControlPoint(
  options: Omit<LockOptions, 'faults'> & { route: Route; controlPoint: string } & ArrivalFault,
): ArrivalTrip {
  const spec = options.fault ? CROSSING_FAULTS[options.fault] : null;
  // When the truck reaches the lane: from the clean trip (a deviating truck, off the road,
  // never enters the fence; it is timed as if it kept to the road).
  const clean = simulateTrip({ ...options, faults: [] });
  const arrival = clean.find(
    (r) => r.reading.event === 'GEOFENCE_ENTER' && r.reading.controlPoint === options.controlPoint,
  );
  if (!arrival)
    throw new Error(
      `route ${options.route.id} does not pass control point ${options.controlPoint}`,
    );
  const arrivalTime = arrival.reading.time;
  const trip = spec?.fault ? simulateTrip({ ...options, faults: [spec.fault] }) : clean;
  const silence = options.fault === 'silent' ? options.silentMinutes * 60_000 : 0;
  const until = Date.parse(arrivalTime) - silence;
  const readings = trip
    .slice(0, trip.indexOf(arrival) + 1 || undefined)
    .filter((r) => Date.parse(r.reading.time) <= until);
  return {
    readings,
    arrivalTime,
    expectedReason: spec?.reason ?? null,
    alarm: spec?.alarm ?? null,
  };
}
