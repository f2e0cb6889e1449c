import type { TrackPoint } from '../api/types';
import { trackEvents } from './track';

const point = (counter: number, event: string): TrackPoint => ({
  counter,
  event,
  time: new Date(Date.UTC(2026, 11, 1, 8, counter)).toISOString(),
  lat: 22.5 + counter / 1000,
  lon: 114.1,
  anchored: true,
});

describe('trackEvents', () => {
  it('keeps sealing, geofence and alarm readings and leaves out routine positions', () => {
    const track = [
      point(1, 'SEALED'),
      point(2, 'POSITION'),
      point(3, 'GEOFENCE_EXIT'),
      point(4, 'POSITION'),
      point(5, 'TAMPER'),
    ];
    expect(trackEvents(track).map((p) => p.counter)).toEqual([1, 3, 5]);
  });
});
