export { CONTROL_POINTS, ROUTES } from '../domain/routes';
export type { ControlPoint, Route } from '../domain/routes';
export { simulateTrip } from './simulator';
export type { Fault, LockOptions } from './simulator';
export { CROSSING_FAULTS, driveToControlPoint } from './crossing';
export type { ArrivalTrip, CrossingFault } from './crossing';
