/**
 * A GPS e-lock on a truck: drives its route at a steady speed, reports a signed reading
 * every interval (position, geofence entry and exit at control points, battery, lock
 * state) with a strictly increasing counter, and misbehaves on request.
 */
import type { KeyObject } from 'node:crypto';
import {
  cumulativeLengthsM,
  distanceM,
  interpolate,
  type Point,
  signReading,
  type Reading,
  type SignedReading,
  CONTROL_POINTS,
  type Route,
} from '@clearance/domain/node';

export type Fault =
  | { kind: 'TAMPER'; atFraction: number }
  | { kind: 'DEVIATION'; fromFraction: number; offsetM: number }
  | { kind: 'REPLAY'; atFraction: number }
  | { kind: 'CLOCK_SKEW'; skewS: number };

export interface LockOptions {
  deviceId: string;
  privateKey: KeyObject;
  route: Route;
  departure: Date;
  speedKmh?: number;
  intervalS?: number;
  faults?: Fault[];
}

function positionAt(
  points: readonly Point[],
  cumulative: readonly number[],
  metres: number,
): Point {
  const total = cumulative[cumulative.length - 1] as number;
  const d = Math.min(Math.max(metres, 0), total);
  let i = 1;
  while (i < cumulative.length - 1 && (cumulative[i] as number) < d) i++;
  const start = cumulative[i - 1] as number;
  const span = (cumulative[i] as number) - start;
  return interpolate(
    points[i - 1] as Point,
    points[i] as Point,
    span === 0 ? 0 : (d - start) / span,
  );
}

/** Every reading of one trip, departure to arrival, in the order the device sends them. */
export function simulateTrip(options: LockOptions): SignedReading[] {
  const speedMs = ((options.speedKmh ?? 60) * 1000) / 3600;
  const intervalS = options.intervalS ?? 10;
  const faults = options.faults ?? [];
  const cumulative = cumulativeLengthsM(options.route.waypoints);
  const total = cumulative[cumulative.length - 1] as number;
  const steps = Math.ceil(total / (speedMs * intervalS));
  const skewS = faults.reduce((s, f) => (f.kind === 'CLOCK_SKEW' ? s + f.skewS : s), 0);
  const fences = CONTROL_POINTS.filter((c) => options.route.controlPoints.includes(c.id));
  const inside = new Set<string>();
  const out: SignedReading[] = [];
  let counter = 0;

  const emit = (reading: Omit<Reading, 'deviceId' | 'counter'>): void => {
    counter += 1;
    out.push(signReading({ deviceId: options.deviceId, counter, ...reading }, options.privateKey));
  };

  for (let step = 0; step <= steps; step++) {
    const fraction = step / steps;
    const time = new Date(
      options.departure.getTime() + (step * intervalS + skewS) * 1000,
    ).toISOString();
    let position = positionAt(options.route.waypoints, cumulative, fraction * total);
    const deviation = faults.find((f) => f.kind === 'DEVIATION' && fraction >= f.fromFraction);
    if (deviation?.kind === 'DEVIATION') {
      position = { lat: position.lat + deviation.offsetM / 111_320, lon: position.lon };
    }
    const base = {
      time,
      position: { lat: Number(position.lat.toFixed(6)), lon: Number(position.lon.toFixed(6)) },
      speedKmh: step === 0 || step === steps ? 0 : (options.speedKmh ?? 60),
      lock: 'SEALED' as const,
      batteryPct: Math.max(0, 100 - Math.floor(step / 50)),
    };
    emit({ ...base, event: step === 0 ? 'SEALED' : 'POSITION' });
    for (const fence of fences) {
      const within = distanceM(position, fence) <= fence.radiusM;
      if (within !== inside.has(fence.id)) {
        if (within) inside.add(fence.id);
        else inside.delete(fence.id);
        emit({
          ...base,
          event: within ? 'GEOFENCE_ENTER' : 'GEOFENCE_EXIT',
          controlPoint: fence.id,
        });
      }
    }
    for (const fault of faults) {
      const due =
        'atFraction' in fault &&
        fraction >= fault.atFraction &&
        fraction - 1 / steps < fault.atFraction;
      if (due && fault.kind === 'TAMPER') emit({ ...base, event: 'TAMPER' });
      if (due && fault.kind === 'REPLAY' && out.length > 2)
        out.push(out[out.length - 3] as SignedReading);
    }
  }
  return out;
}
