/**
 * @clearance/domain/seal-devices: the devices' side of seals, browser-safe: e-lock
 * readings (records and counter rule), the routes and control points of the map, NDEF
 * records. Signing, tags' SUN messages and Merkle evidence need Node: @clearance/domain/node.
 */
export * from './geo';
export * from './ndef';
export * from './reading';
export * from './routes';
