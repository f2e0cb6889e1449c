/** The trucks are placed so that the lane and the alarm have something to show at once. */
import { simulateTrip } from '@clearance/seal-devices/fleet';
import { generateKeyPairSync } from 'node:crypto';
import { LANE, READING_INTERVAL_S, SPEED_KMH, TRUCKS, routeOf, tripFor } from './trips';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const t0 = Date.parse('2026-03-01T08:00:00Z');

function readingsOf(name: string) {
  const plan = TRUCKS.find((t) => t.name === name)!;
  const { departure, faults } = tripFor(plan, t0);
  return simulateTrip({
    deviceId: name,
    privateKey: key,
    route: routeOf(plan.routeId),
    departure,
    intervalS: READING_INTERVAL_S,
    speedKmh: SPEED_KMH,
    faults,
  }).map((r) => r.reading);
}

const secondsAfterT0 = (time: string) => (Date.parse(time) - t0) / 1000;

describe('the demo trucks when they are sealed', () => {
  test.each(TRUCKS.filter((t) => t.lmcInS !== undefined).map((t) => [t.name, t.lmcInS!]))(
    '%s reaches the lane at Lok Ma Chau %i s later, not before',
    (name, lmcInS) => {
      const enter = readingsOf(name).find(
        (r) => r.event === 'GEOFENCE_ENTER' && r.controlPoint === LANE,
      );
      expect(secondsAfterT0(enter!.time)).toBeCloseTo(lmcInS, 0);
    },
  );

  test('one lock reports TAMPER within the first half minute, once, before its lane', () => {
    const tampers = TRUCKS.flatMap((t) =>
      readingsOf(t.name)
        .filter((r) => r.event === 'TAMPER')
        .map((r) => [t.name, r.time]),
    );
    expect(tampers).toHaveLength(1);
    const [, time] = tampers[0]!;
    expect(secondsAfterT0(time!)).toBeGreaterThanOrEqual(15);
    expect(secondsAfterT0(time!)).toBeLessThanOrEqual(20 + READING_INTERVAL_S);
  });

  test('every truck is on its way: departed already, not yet arrived', () => {
    for (const t of TRUCKS) {
      const readings = readingsOf(t.name);
      expect(secondsAfterT0(readings[0]!.time)).toBeLessThan(0);
      expect(secondsAfterT0(readings[readings.length - 1]!.time)).toBeGreaterThan(60);
    }
  });
});
