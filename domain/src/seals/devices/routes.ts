/**
 * Control points and the routes trucks drive between Hong Kong, Guangdong and Macao
 * (positions approximate, WGS 84). A route is its waypoints in order; control points are geofenced.
 */
import type { Point } from './geo';

export interface ControlPoint extends Point {
  id: string;
  name: string;
  side: 'HK' | 'GD' | 'MO';
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
  // Food animals supplied to Hong Kong: registered farm → Wenjindu / Man Kam To → slaughterhouse.
  {
    id: 'HZFARM',
    name: 'Registered pig farm, Huizhou',
    side: 'GD',
    lat: 23.0794,
    lon: 114.4126,
    radiusM: 600,
  },
  { id: 'WJD', name: 'Wenjindu port (GD)', side: 'GD', lat: 22.5375, lon: 114.1225, radiusM: 400 },
  {
    id: 'MKT',
    name: 'Man Kam To control point',
    side: 'HK',
    lat: 22.5405,
    lon: 114.1255,
    radiusM: 400,
  },
  {
    id: 'SSSH',
    name: 'Sheung Shui Slaughterhouse',
    side: 'HK',
    lat: 22.5189,
    lon: 114.1032,
    radiusM: 500,
  },
  {
    id: 'BGMO',
    name: 'Border Gate (Macao side, opposite Gongbei)',
    side: 'MO',
    lat: 22.2153,
    lon: 113.5497,
    radiusM: 400,
  },
  {
    id: 'HQMO',
    name: 'Hengqin port (Macao side)',
    side: 'MO',
    lat: 22.1388,
    lon: 113.5445,
    radiusM: 400,
  },
  {
    id: 'HZMBMO',
    name: 'HZMB Zhuhai-Macao port (Macao side)',
    side: 'MO',
    lat: 22.2095,
    lon: 113.5835,
    radiusM: 500,
  },
  {
    id: 'ZHLOG',
    name: 'Zhuhai Hongwan logistics park',
    side: 'GD',
    lat: 22.246,
    lon: 113.535,
    radiusM: 800,
  },
  {
    id: 'HQLOG',
    name: 'Hengqin logistics centre',
    side: 'GD',
    lat: 22.121,
    lon: 113.52,
    radiusM: 800,
  },
  {
    id: 'MOLOG',
    name: 'Macao Cotai logistics centre',
    side: 'MO',
    lat: 22.148,
    lon: 113.565,
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
  route(
    'FARM-MKT',
    'Livestock: Huizhou farm to Sheung Shui slaughterhouse via Wenjindu / Man Kam To',
    [
      'HZFARM',
      { lat: 22.85, lon: 114.3 },
      { lat: 22.62, lon: 114.15 },
      'WJD',
      'MKT',
      { lat: 22.53, lon: 114.115 },
      'SSSH',
    ],
  ),
  route('HKIA-MACAO', 'Airport to Macao over the Hong Kong-Zhuhai-Macao Bridge', [
    'HKIA',
    { lat: 22.285, lon: 113.8 },
    { lat: 22.24, lon: 113.66 },
    'HZMBMO',
    { lat: 22.17, lon: 113.57 },
    'MOLOG',
  ]),
  route('ZHUHAI-MACAO', 'Zhuhai to Macao via Gongbei / the Border Gate', [
    'ZHLOG',
    { lat: 22.228, lon: 113.545 },
    'BGMO',
    { lat: 22.19, lon: 113.55 },
    'MOLOG',
  ]),
  route('HENGQIN-MACAO', 'Hengqin to Macao via the Hengqin port', [
    'HQLOG',
    'HQMO',
    { lat: 22.145, lon: 113.555 },
    'MOLOG',
  ]),
];
