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

export const ROUTES: readonly Route[] = [
  {
    id: 'HKIA-FUTIAN',
    name: 'Airport to Futian via Lok Ma Chau / Huanggang',
    waypoints: [
      cp('HKIA'),
      { lat: 22.3513, lon: 114.074 },
      { lat: 22.498, lon: 114.078 },
      cp('LMC'),
      cp('HGG'),
      cp('FUTIAN'),
    ],
    controlPoints: ['HKIA', 'LMC', 'HGG', 'FUTIAN'],
  },
  {
    id: 'KWC-FUTIAN',
    name: 'Kwai Chung to Futian via Lok Ma Chau / Huanggang',
    waypoints: [
      cp('KWC'),
      { lat: 22.38, lon: 114.106 },
      { lat: 22.498, lon: 114.078 },
      cp('LMC'),
      cp('HGG'),
      cp('FUTIAN'),
    ],
    controlPoints: ['KWC', 'LMC', 'HGG', 'FUTIAN'],
  },
  {
    id: 'KWC-DONGGUAN',
    name: 'Kwai Chung to Dongguan via Shenzhen Bay',
    waypoints: [
      cp('KWC'),
      { lat: 22.3513, lon: 114.074 },
      { lat: 22.44, lon: 113.99 },
      cp('SZBHK'),
      cp('SZBGD'),
      { lat: 22.6, lon: 113.86 },
      cp('DGHM'),
    ],
    controlPoints: ['KWC', 'SZBHK', 'SZBGD', 'DGHM'],
  },
  {
    id: 'FARM-MKT',
    name: 'Livestock: Huizhou farm to Sheung Shui slaughterhouse via Wenjindu / Man Kam To',
    waypoints: [
      cp('HZFARM'),
      { lat: 22.85, lon: 114.3 },
      { lat: 22.62, lon: 114.15 },
      cp('WJD'),
      cp('MKT'),
      { lat: 22.53, lon: 114.115 },
      cp('SSSH'),
    ],
    controlPoints: ['HZFARM', 'WJD', 'MKT', 'SSSH'],
  },
];
