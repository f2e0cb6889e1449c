export { CONTROL_POINTS, ROUTES } from '../domain/routes';
export type { ControlPoint, Route } from '../domain/routes';
export { simulateTrip } from './simulator';
export type { Fault, LockOptions } from './simulator';
