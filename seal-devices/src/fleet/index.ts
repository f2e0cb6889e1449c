export { CONTROL_POINTS, ROUTES } from './places';
export type { ControlPoint, Route } from './places';
export { simulateTrip } from './simulator';
export type { Fault, LockOptions } from './simulator';
