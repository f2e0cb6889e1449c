export { CONTROL_POINTS, ROUTES } from './places';
export type { ControlPoint, Route } from './places';
export { simulateTrip } from './simulator';
export type { Fault, LockOptions } from './simulator';
export { CROSSING_FAULTS, driveToControlPoint } from './crossing';
export type { ArrivalTrip, CrossingFault } from './crossing';
