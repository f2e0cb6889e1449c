import type { TrackPoint } from '../api/types';

/** The readings worth a mark of their own on the map: all but routine positions. */
export const trackEvents = (track: readonly TrackPoint[]): TrackPoint[] =>
  track.filter((p) => p.event !== 'POSITION');
