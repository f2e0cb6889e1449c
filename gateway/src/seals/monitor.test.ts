import { ROUTES } from '@clearance/domain/node';
import { generateKeyPairSync } from 'node:crypto';
import { simulateTrip } from '../../../seal-devices/src/fleet/simulator';
import {
  DEFAULT_POLICY,
  dueAlarms,
  expectedTransitMs,
  initialWatch,
  mayBeDueAgain,
  observe,
  type RaisedAlarm,
  type TrackPoint,
} from './monitor';

const route = ROUTES[1]!; // KWC-FUTIAN
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const departure = new Date('2026-11-25T08:00:00.000Z');
const points = (faults: Parameters<typeof simulateTrip>[0]['faults'] = []): TrackPoint[] =>
  simulateTrip({ deviceId: 'EL-1', privateKey, route, departure, intervalS: 10, faults }).map(
    ({ reading: r }) => ({
      counter: r.counter,
      time: r.time,
      lat: r.position.lat,
      lon: r.position.lon,
      event: r.event,
      lock: r.lock,
    }),
  );
const judge = (
  track: TrackPoint[],
  now = departure.getTime() + 3600_000,
  raised: RaisedAlarm[] = [],
) =>
  dueAlarms({
    route,
    appliedAt: departure.toISOString(),
    state: observe(route, initialWatch(), track),
    raised,
    now,
  }).map((a) => a.kind);
/** Alarms on the ledger: standing, or cleared by an inspection that covered readings up to n. */
const standing = (kind: string): RaisedAlarm => ({ kind });
const cleared = (kind: string, throughCounter: number): RaisedAlarm => ({
  kind,
  clearedBy: { throughCounter },
});

describe('seal monitor', () => {
  it('finds nothing wrong with a trip that keeps to its route and arrives', () => {
    expect(judge(points(), departure.getTime() + 48 * 3600_000)).toEqual([]);
  });

  it('finds tamper and deviation, each once, and not those already raised', () => {
    const faulty = points([
      { kind: 'TAMPER', atFraction: 0.3 },
      { kind: 'DEVIATION', fromFraction: 0.5, offsetM: 3000 },
    ]);
    expect(judge(faulty).sort()).toEqual(['ROUTE_DEVIATION', 'TAMPER']);
    expect(judge(faulty, undefined, [standing('TAMPER')])).toEqual(['ROUTE_DEVIATION']);
  });

  it('takes one stray position for GPS noise, two in a row for a deviation', () => {
    const track = points().slice(0, 50);
    const stray = { ...track[20]!, lat: track[20]!.lat + 0.05 };
    expect(judge([...track.slice(0, 20), stray, ...track.slice(21)])).toEqual([]);
    const two = [stray, { ...track[21]!, lat: track[21]!.lat + 0.05 }];
    expect(judge([...track.slice(0, 20), ...two, ...track.slice(22)])).toEqual(['ROUTE_DEVIATION']);
  });

  it('allows opening at a control point of the route, not on the road', () => {
    const track = points();
    const last = track[track.length - 1]!;
    const atDestination = { ...last, counter: last.counter + 1, event: 'OPENED', lock: 'OPEN' };
    expect(judge([...track, atDestination])).toEqual([]);
    const mid = track[40]!;
    expect(judge([...track.slice(0, 40), { ...mid, event: 'OPENED', lock: 'OPEN' }])).toEqual([
      'OPENED',
    ]);
  });

  it('is overdue only past the expected transit time without arriving', () => {
    const halfway = points().slice(0, 60);
    const due = departure.getTime() + expectedTransitMs(route, DEFAULT_POLICY);
    expect(judge(halfway, due - 1000)).toEqual([]);
    expect(judge(halfway, due + 1000)).toEqual(['OVERDUE']);
    expect(judge(points(), due + 1000)).toEqual([]);
  });

  it('folds readings in any number of passes to the same verdict, ignoring old counters', () => {
    const faulty = points([{ kind: 'DEVIATION', fromFraction: 0.5, offsetM: 3000 }]);
    let state = initialWatch();
    for (let i = 0; i < faulty.length; i += 7)
      state = observe(route, state, faulty.slice(i, i + 7));
    state = observe(route, state, faulty.slice(0, 10)); // seen already
    expect(state).toEqual(observe(route, initialWatch(), faulty));
  });

  describe('after a joint inspection cleared an alarm', () => {
    const track = points().slice(0, 80);
    const tamperAt = (i: number) => ({ ...track[i]!, event: 'TAMPER' });
    const withTamper = (...at: number[]) => track.map((p, i) => (at.includes(i) ? tamperAt(i) : p));

    it('raises a kind again only for an occurrence past the readings the clearing covered', () => {
      const once = withTamper(20);
      const through = track[40]!.counter;
      expect(judge(once, undefined, [standing('TAMPER')])).toEqual([]);
      expect(judge(once, undefined, [cleared('TAMPER', through)])).toEqual([]);
      const twice = withTamper(20, 60);
      expect(judge(twice, undefined, [cleared('TAMPER', through)])).toEqual(['TAMPER']);
      // One of two alarms of the kind still standing: nothing new is raised.
      expect(judge(twice, undefined, [cleared('TAMPER', through), standing('TAMPER')])).toEqual([]);
      const [again] = dueAlarms({
        route,
        appliedAt: departure.toISOString(),
        state: observe(route, initialWatch(), twice),
        raised: [cleared('TAMPER', through)],
        now: departure.getTime(),
      });
      expect(again?.detail).toContain(
        `again after clearance: tamper reported: reading ${track[60]!.counter}`,
      );
    });

    it('takes a deviation that goes on for the one cleared, a new one for a new alarm', () => {
      const off = (p: TrackPoint) => ({ ...p, lat: p.lat + 0.05 });
      const goesOn = track.map((p, i) => (i >= 20 ? off(p) : p));
      const through = track[40]!.counter;
      expect(judge(goesOn, undefined, [cleared('ROUTE_DEVIATION', through)])).toEqual([]);
      const backAndOffAgain = track.map((p, i) => ((i >= 20 && i < 30) || i >= 60 ? off(p) : p));
      expect(judge(backAndOffAgain, undefined, [cleared('ROUTE_DEVIATION', through)])).toEqual([
        'ROUTE_DEVIATION',
      ]);
    });

    it('does not raise an overdue trip again', () => {
      const due = departure.getTime() + expectedTransitMs(route, DEFAULT_POLICY);
      expect(judge(track.slice(0, 60), due + 1000, [cleared('OVERDUE', 10)])).toEqual([]);
    });

    it('asks for the seal again while an occurrence may lie past a clearing not yet seen', () => {
      const state = observe(route, initialWatch(), withTamper(20));
      const through = track[40]!.counter;
      expect(mayBeDueAgain(state, [])).toBe(false);
      expect(mayBeDueAgain(state, [standing('TAMPER')])).toBe(true);
      expect(mayBeDueAgain(state, [cleared('TAMPER', through)])).toBe(false);
      const later = observe(route, initialWatch(), withTamper(20, 60));
      expect(mayBeDueAgain(later, [cleared('TAMPER', through)])).toBe(true);
    });
  });
});
