import { cumulativeLengthsM, distanceM } from './geo';

describe('cumulativeLengthsM', () => {
  it('adds up the legs of a polyline from 0 at its start', () => {
    const a = { lat: 22.5, lon: 114.0 };
    const b = { lat: 22.6, lon: 114.0 };
    const c = { lat: 22.6, lon: 114.1 };
    const lengths = cumulativeLengthsM([a, b, c]);
    expect(lengths).toHaveLength(3);
    expect(lengths[0]).toBe(0);
    expect(lengths[1]).toBeCloseTo(distanceM(a, b), 6);
    expect(lengths[2]).toBeCloseTo(distanceM(a, b) + distanceM(b, c), 6);
    expect(lengths[1]).toBeGreaterThan(11_000); // 0.1° of latitude is about 11.1 km
    expect(cumulativeLengthsM([])).toEqual([0]);
  });
});
