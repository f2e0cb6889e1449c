/**
 * The seal's route drawn as SVG (no map tiles: none are reachable from customs networks
 * or tests): the planned route, the control points, the boundary, and the track the
 * e-lock reported with its events.
 */
import { CONTROL_POINTS, ROUTES } from '@clearance/domain/seal-devices';
import type { TrackPoint } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { trackEvents } from './track';

interface LatLon {
  lat: number;
  lon: number;
}

/** The Shenzhen River and Shenzhen Bay boundary, roughly (for orientation only). */
const BOUNDARY: LatLon[] = [
  { lat: 22.47, lon: 113.89 },
  { lat: 22.51, lon: 113.96 },
  { lat: 22.516, lon: 114.03 },
  { lat: 22.518, lon: 114.07 },
  { lat: 22.535, lon: 114.11 },
  { lat: 22.545, lon: 114.16 },
  { lat: 22.56, lon: 114.23 },
];

const WIDTH = 640;
const HEIGHT = 420;
const PAD = 36;

/** Equirectangular projection of `points` into the SVG box, keeping the aspect right. */
export function projector(points: readonly LatLon[]): (p: LatLon) => [number, number] {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const [minLat, maxLat] = [Math.min(...lats), Math.max(...lats)];
  const [minLon, maxLon] = [Math.min(...lons), Math.max(...lons)];
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * kx, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = Math.min((WIDTH - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY);
  const offsetX = (WIDTH - spanX * scale) / 2;
  const offsetY = (HEIGHT - spanY * scale) / 2;
  return (p) => [
    offsetX + (p.lon - minLon) * kx * scale,
    HEIGHT - offsetY - (p.lat - minLat) * scale,
  ];
}

const path = (points: [number, number][]) =>
  points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

export function RouteMap({ routeId, track }: { routeId: string; track: readonly TrackPoint[] }) {
  const { t, date } = useI18n();
  const route = ROUTES.find((r) => r.id === routeId);
  const stops = CONTROL_POINTS.filter((c) => route?.controlPoints.includes(c.id));
  const frame = [...(route?.waypoints ?? []), ...track, ...stops];
  if (frame.length === 0) return <p>{t('seals.noTrack')}</p>;
  const project = projector(frame);
  const events = trackEvents(track);
  const last = track[track.length - 1];
  const description = t('seals.mapDescription', {
    route: route?.name ?? routeId,
    points: track.length,
    events: events.length,
  });
  return (
    <figure class="route-map">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={description}
        data-testid="route-map"
      >
        <rect width={WIDTH} height={HEIGHT} class="sea" />
        <path d={path(BOUNDARY.map(project))} class="boundary" />
        <text x={PAD} y={PAD} class="side">
          {t('jurisdiction.GD')} ↑
        </text>
        <text x={PAD} y={HEIGHT - PAD / 2} class="side">
          {t('jurisdiction.HK')} ↓
        </text>
        {route && <path d={path(route.waypoints.map(project))} class="planned" />}
        {track.length > 1 && (
          <path d={path(track.map(project))} class="track" data-testid="track" />
        )}
        {stops.map((c) => {
          const [x, y] = project(c);
          return (
            <g key={c.id} class="control-point">
              <circle cx={x} cy={y} r={6} />
              <text x={x + 9} y={y + 4}>
                {c.id}
              </text>
            </g>
          );
        })}
        {events.map((p) => {
          const [x, y] = project(p);
          return (
            <g
              key={p.counter}
              class={`event event-${String(p.event).toLowerCase()}`}
              data-event={p.event}
            >
              <circle cx={x} cy={y} r={8} />
              <title>
                {p.event} · {date(p.time)}
              </title>
            </g>
          );
        })}
        {last && (
          <circle cx={project(last)[0]} cy={project(last)[1]} r={5} class="truck">
            <title>{date(last.time)}</title>
          </circle>
        )}
      </svg>
      <figcaption>{description}</figcaption>
      {events.length > 0 && (
        <ol class="events">
          {events.map((p) => (
            <li key={p.counter} data-event={p.event}>
              <strong>{p.event}</strong> · <time dateTime={p.time}>{date(p.time)}</time> ·{' '}
              {p.lat.toFixed(4)}, {p.lon.toFixed(4)}
            </li>
          ))}
        </ol>
      )}
    </figure>
  );
}
