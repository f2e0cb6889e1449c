/** Great-circle geometry for routes and geofences (metres, WGS 84 degrees). */
export interface Point {
  lat: number;
  lon: number;
}

const R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

export function distanceM(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Point at fraction t (0..1) of the way from a to b (linear in degrees: fine at city scale). */
export function interpolate(a: Point, b: Point, t: number): Point {
  return { lat: a.lat + (b.lat - a.lat) * t, lon: a.lon + (b.lon - a.lon) * t };
}

/** Distance from p to the polyline, on a local flat projection around p. */
export function distanceToRouteM(p: Point, route: readonly Point[]): number {
  const kx = Math.cos(rad(p.lat)) * rad(1) * R;
  const ky = rad(1) * R;
  let best = Infinity;
  for (let i = 0; i + 1 < route.length; i++) {
    const a = route[i] as Point;
    const b = route[i + 1] as Point;
    const ax = (a.lon - p.lon) * kx;
    const ay = (a.lat - p.lat) * ky;
    const bx = (b.lon - p.lon) * kx;
    const by = (b.lat - p.lat) * ky;
    const dx = bx - ax;
    const dy = by - ay;
    const len = dx * dx + dy * dy;
    const t = len === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return route.length === 1 ? distanceM(p, route[0] as Point) : best;
}

/** Distance along a polyline from its start to each of its points, in metres (first 0). */
export function cumulativeLengthsM(points: readonly Point[]): number[] {
  const cumulative = [0];
  for (let i = 1; i < points.length; i++) {
    cumulative.push(
      (cumulative[i - 1] as number) + distanceM(points[i - 1] as Point, points[i] as Point),
    );
  }
  return cumulative;
}
