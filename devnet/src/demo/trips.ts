/**
 * Where the demo's trucks are when it starts, as data and pure arithmetic: each truck's
 * route, when it reaches Lok Ma Chau (so that the lane view has decisions within the first
 * minute and more later), and when one of them reports its lock tampered with.
 */
import { ROUTES, simulateTrip, type Fault, type Route } from '@clearance/seal-devices/fleet';
import { generateKeyPairSync } from 'node:crypto';

export interface TruckPlan {
  name: string;
  routeId: string;
  /** Seconds after the trucks are sealed at which it reaches the lane at Lok Ma Chau. */
  lmcInS?: number;
  /** Seconds after the trucks are sealed at which its lock reports TAMPER. */
  tamperInS?: number;
  /** How far along its route it is when sealed (for a truck not crossing at LMC). */
  startFraction?: number;
}

/** Five trucks: two at the lane within the first two minutes, one tampered with. */
export const TRUCKS: readonly TruckPlan[] = [
  { name: 'T1', routeId: 'HKIA-FUTIAN', lmcInS: 30 },
  { name: 'T2', routeId: 'KWC-FUTIAN', lmcInS: 75 },
  { name: 'T3', routeId: 'KWC-FUTIAN', lmcInS: 240, tamperInS: 20 },
  { name: 'T4', routeId: 'HKIA-FUTIAN', lmcInS: 540 },
  { name: 'T5', routeId: 'KWC-DONGGUAN', startFraction: 0.35 },
];

/** Seconds between a lock's readings, and the trucks' speed. */
export const READING_INTERVAL_S = 5;
export const SPEED_KMH = 60;
export const LANE = 'LMC';

export function routeOf(routeId: string): Route {
  const route = ROUTES.find((r) => r.id === routeId);
  if (!route) throw new Error(`no route ${routeId}`);
  return route;
}

/** From departure: when the truck reaches LMC's geofence, and when it arrives (seconds). */
export function routeTimes(route: Route): { lmcS: number | undefined; durationS: number } {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const readings = simulateTrip({
    deviceId: 'PLAN',
    privateKey: key,
    route,
    departure: new Date(0),
    intervalS: READING_INTERVAL_S,
    speedKmh: SPEED_KMH,
  });
  const lmc = readings.find(
    (r) => r.reading.event === 'GEOFENCE_ENTER' && r.reading.controlPoint === LANE,
  );
  const last = readings[readings.length - 1];
  return {
    lmcS: lmc ? Date.parse(lmc.reading.time) / 1000 : undefined,
    durationS: last ? Date.parse(last.reading.time) / 1000 : 0,
  };
}

/** The departure and faults that put the truck where its plan says, the trucks sealed at t0. */
export function tripFor(plan: TruckPlan, t0: number): { departure: Date; faults: Fault[] } {
  const { lmcS, durationS } = routeTimes(routeOf(plan.routeId));
  let departure = t0 - (plan.startFraction ?? 0) * durationS * 1000;
  if (plan.lmcInS !== undefined) {
    if (lmcS === undefined) throw new Error(`route ${plan.routeId} does not pass ${LANE}`);
    departure = t0 + (plan.lmcInS - lmcS) * 1000;
  }
  const faults: Fault[] =
    plan.tamperInS === undefined
      ? []
      : [
          {
            kind: 'TAMPER',
            atFraction: (t0 + plan.tamperInS * 1000 - departure) / (durationS * 1000),
          },
        ];
  return { departure: new Date(departure), faults };
}
