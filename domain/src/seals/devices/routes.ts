/**
 * Control points and the routes trucks drive between Hong Kong and Guangdong (positions
 * approximate, WGS 84). A route is its waypoints in order; control points are geofenced.
 */
import type { Point } from './geo';

export interface ControlPoint extends Point {
  id: string;
  name: string;
  side: 'HK' | 'GD';
  radiusM: number;
}

export const CONTROL_POINTS: readonly ControlPoint[] = [
  {
    id: 'HKIA',
    name: 'Hong Kong International Airport cargo',
    side: 'HK',
    lat: 22.308,
    lon: 113.9185,
    radiusM: 800,
  },
  {
    id: 'KWC',
    name: 'Kwai Chung container terminals',
    side: 'HK',
    lat: 22.347,
    lon: 114.123,
    radiusM: 800,
  },
  {
    id: 'LMC',
    name: 'Lok Ma Chau control point',
    side: 'HK',
    lat: 22.5139,
    lon: 114.0658,
    radiusM: 500,
  },
  { id: 'HGG', name: 'Huanggang port', side: 'GD', lat: 22.5283, lon: 114.075, radiusM: 500 },
  {
    id: 'SZBHK',
    name: 'Shenzhen Bay control point (HK)',
    side: 'HK',
    lat: 22.499,
    lon: 113.946,
    radiusM: 500,
  },
  {
    id: 'SZBGD',
    name: 'Shenzhen Bay port (GD)',
    side: 'GD',
    lat: 22.505,
    lon: 113.9445,
    radiusM: 500,
  },
  {
    id: 'FUTIAN',
    name: 'Futian bonded logistics park',
    side: 'GD',
    lat: 22.515,
    lon: 114.037,
    radiusM: 600,
  },
  {
    id: 'DGHM',
    name: 'Dongguan Humen logistics centre',
    side: 'GD',
    lat: 22.815,
    lon: 113.673,
    radiusM: 800,
  },
];

const cp = (id: string): Point => {
  const found = CONTROL_POINTS.find((c) => c.id === id);
  if (!found) throw new Error(`no control point ${id}`);
  return found;
};

export interface Route {
  id: string;
  name: string;
  waypoints: Point[];
  /** Control points the truck must pass, in order, from departure to destination. */
  controlPoints: string[];
}

/**
 * A route from its stops in order: control points by id (each one a waypoint and a control
 * point to pass) and the plain waypoints between them.
 */
function route(id: string, name: string, stops: readonly (string | Point)[]): Route {
  return {
    id,
    name,
    waypoints: stops.map((stop) => (typeof stop === 'string' ? cp(stop) : stop)),
    controlPoints: stops.filter((stop) => typeof stop === 'string'),
  };
}

/** Into Shenzhen over Lok Ma Chau / Huanggang, to Futian. */
const VIA_LOK_MA_CHAU: readonly (string | Point)[] = [
  { lat: 22.498, lon: 114.078 },
  'LMC',
  'HGG',
  'FUTIAN',
];

export const ROUTES: readonly Route[] = [
  route('HKIA-FUTIAN', 'Airport to Futian via Lok Ma Chau / Huanggang', [
    'HKIA',
    { lat: 22.3513, lon: 114.074 },
    ...VIA_LOK_MA_CHAU,
  ]),
  route('KWC-FUTIAN', 'Kwai Chung to Futian via Lok Ma Chau / Huanggang', [
    'KWC',
    { lat: 22.38, lon: 114.106 },
    ...VIA_LOK_MA_CHAU,
  ]),
  route('KWC-DONGGUAN', 'Kwai Chung to Dongguan via Shenzhen Bay', [
    'KWC',
    { lat: 22.3513, lon: 114.074 },
    { lat: 22.44, lon: 113.99 },
    'SZBHK',
    'SZBGD',
    { lat: 22.6, lon: 113.86 },
    'DGHM',
  ]),
];
