import { generateKeyPairSync } from 'node:crypto';
import {
  distanceToRouteM,
  ReadingSchema,
  judgeCounters,
  verifyReading,
  ROUTES,
} from '@clearance/domain/node';
import { simulateTrip } from './simulator';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const route = ROUTES[0]!;
const departure = new Date('2026-11-25T08:00:00Z');

describe('e-lock fleet simulator', () => {
  const trip = simulateTrip({ deviceId: 'EL-0001', privateKey, route, departure, intervalS: 20 });

  it('sends valid, signed readings with strictly increasing counters', () => {
    for (const signed of trip) {
      expect(ReadingSchema.safeParse(signed.reading).success).toBe(true);
      expect(verifyReading(signed, publicPem)).toBe(true);
    }
    const { verdicts, outOfOrder } = judgeCounters(
      0,
      trip.map((r) => r.reading.counter),
    );
    expect(verdicts.every((v) => v === 'NEXT')).toBe(true);
    expect(outOfOrder).toBe(false);
  });

  it('seals at departure and passes the control points in order', () => {
    expect(trip[0]?.reading.event).toBe('SEALED');
    const entries = trip
      .filter((r) => r.reading.event === 'GEOFENCE_ENTER')
      .map((r) => r.reading.controlPoint);
    expect(entries).toEqual(['HKIA', 'LMC', 'HGG', 'FUTIAN']);
    for (const r of trip)
      expect(distanceToRouteM(r.reading.position, route.waypoints)).toBeLessThan(50);
  });

  it('a forged reading or one from another key does not verify', () => {
    const first = trip[1]!;
    expect(verifyReading({ ...first, reading: { ...first.reading, speedKmh: 5 } }, publicPem)).toBe(
      false,
    );
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(verifyReading(first, other.toString())).toBe(false);
  });

  it('produces the faults asked for: tamper, deviation, replay, clock skew', () => {
    const faulty = simulateTrip({
      deviceId: 'EL-0002',
      privateKey,
      route,
      departure,
      intervalS: 20,
      faults: [
        { kind: 'TAMPER', atFraction: 0.3 },
        { kind: 'DEVIATION', fromFraction: 0.6, offsetM: 2500 },
        { kind: 'REPLAY', atFraction: 0.5 },
        { kind: 'CLOCK_SKEW', skewS: 600 },
      ],
    });
    expect(faulty.filter((r) => r.reading.event === 'TAMPER')).toHaveLength(1);
    const far = faulty.filter((r) => distanceToRouteM(r.reading.position, route.waypoints) > 2000);
    expect(far.length).toBeGreaterThan(0);
    expect(
      judgeCounters(
        0,
        faulty.map((r) => r.reading.counter),
      ).verdicts,
    ).toContain('REPLAY');
    expect(faulty[0]?.reading.time).toBe('2026-11-25T08:10:00.000Z');
  });
});

describe('judging counters', () => {
  it('tells next, gap and replay apart, and notices a batch going backwards', () => {
    expect(judgeCounters(10, [11, 12, 15, 14, 15, 16])).toEqual({
      verdicts: ['NEXT', 'NEXT', 'GAP', 'REPLAY', 'REPLAY', 'NEXT'],
      outOfOrder: true,
    });
  });
});
