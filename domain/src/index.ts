/**
 * @clearance/domain: the pure rules and records of declarations, the trust list,
 * e-signatures, seals and crossings, shared by the chaincode, the gateway, the devices and
 * the portal (which bundles it). No Fabric, no I/O, no Node-only module: what needs Node's
 * crypto is `@clearance/domain/node`.
 */
export * from './shared';
export * from './declarations';
export * from './trust-list';
export * from './esign';
export * from './seals';
export * from './crossings';
export * from './events';
export * from './namespaces';
export * from './livestock';
