import { generateKeyPairSync } from 'node:crypto';
// The fault table and the routes are checked against the ledger's reason codes, silence
// limit and route list: the chaincode is a test-only dependency of the devices.
import {
  CONTROL_POINTS as LEDGER_CONTROL_POINTS,
  CROSSING_LIMITS,
  CROSSING_REASONS,
  ROUTES as LEDGER_ROUTES,
} from '@clearance/domain';
import { distanceToRouteM, CONTROL_POINTS, ROUTES } from '@clearance/domain/node';
import { CROSSING_FAULTS, driveToControlPoint } from './crossing';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const route = ROUTES.find((r) => r.id === 'KWC-FUTIAN')!;
const departure = new Date('2026-12-01T08:00:00Z');
/** One more minute of silence than the ledger allows. */
const silentMinutes = CROSSING_LIMITS.readingSilenceMinutes + 1;
const drive = (fault?: keyof typeof CROSSING_FAULTS) =>
  driveToControlPoint({
    deviceId: 'EL-0001',
    privateKey,
    route,
    departure,
    intervalS: 20,
    controlPoint: 'LMC',
    ...(fault === 'silent' ? { fault, silentMinutes } : fault ? { fault } : {}),
  });

describe('a truck driven to a control point, with faults', () => {
  it('a clean trip ends at the geofence entry of the control point, with no expected reason', () => {
    const trip = drive();
    const last = trip.readings.at(-1)?.reading;
    expect(last).toMatchObject({ event: 'GEOFENCE_ENTER', controlPoint: 'LMC' });
    expect(last?.time).toBe(trip.arrivalTime);
    expect(trip.expectedReason).toBeNull();
    expect(trip.readings.some((r) => r.reading.event === 'TAMPER')).toBe(false);
  });

  it('tamper and deviation show in the readings before the lane; each names its reason and alarm', () => {
    const tamper = drive('tamper');
    expect(tamper.readings.some((r) => r.reading.event === 'TAMPER')).toBe(true);
    expect([tamper.expectedReason, tamper.alarm]).toEqual(['ALARM_TAMPER', 'TAMPER']);
    const deviation = drive('deviation');
    const far = deviation.readings.filter(
      (r) => distanceToRouteM(r.reading.position, route.waypoints) > 1000,
    );
    expect(far.length).toBeGreaterThan(0);
    expect(deviation.expectedReason).toBe('ALARM_ROUTE_DEVIATION');
  });

  it('a silent lock stops reporting longer than the silence limit before the lane; an unreleased declaration has a clean trip', () => {
    const silent = drive('silent');
    const lastTime = Date.parse(silent.readings.at(-1)?.reading.time as string);
    expect(silent.readings.length).toBeGreaterThan(0);
    expect(Date.parse(silent.arrivalTime) - lastTime).toBeGreaterThan(
      CROSSING_LIMITS.readingSilenceMinutes * 60_000,
    );
    expect(silent.expectedReason).toBe('READINGS_SILENT');
    const unreleased = drive('unreleased');
    expect(unreleased.readings).toHaveLength(drive().readings.length);
    expect(unreleased.expectedReason).toBe('DECLARATION_NOT_RELEASED');
  });

  it("names only the ledger's reason codes, and refuses a control point off the route", () => {
    for (const f of Object.values(CROSSING_FAULTS))
      expect(CROSSING_REASONS as readonly string[]).toContain(f.reason);
    expect(() =>
      driveToControlPoint({
        deviceId: 'EL-1',
        privateKey,
        route,
        departure,
        controlPoint: 'SZBGD',
      }),
    ).toThrow(/does not pass/);
  });

  it('each route crosses the boundary at the control points the ledger lists for it', () => {
    expect(ROUTES.map((r) => r.id).sort()).toEqual(Object.keys(LEDGER_ROUTES).sort());
    for (const r of ROUTES) {
      const boundary = r.controlPoints.filter((id) => id in LEDGER_CONTROL_POINTS);
      expect({ route: r.id, boundary }).toEqual({ route: r.id, boundary: LEDGER_ROUTES[r.id] });
    }
  });

  it("puts each boundary control point on the side the ledger's allow table gives it", () => {
    const sides = CONTROL_POINTS.filter((c) => c.id in LEDGER_CONTROL_POINTS).map((c) => [
      c.id,
      c.side,
    ]);
    expect(sides).toEqual(
      Object.entries(LEDGER_CONTROL_POINTS).map(([id, c]) => [id, c.jurisdiction]),
    );
  });
});
