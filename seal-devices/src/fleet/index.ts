export { CONTROL_POINTS, ROUTES } from '@clearance/domain/seal-devices';
export type { ControlPoint, Route } from '@clearance/domain/seal-devices';
export { simulateTrip } from './simulator';
export type { Fault, LockOptions } from './simulator';
export { CROSSING_FAULTS, driveToControlPoint } from './crossing';
export type { ArrivalTrip, CrossingFault } from './crossing';
