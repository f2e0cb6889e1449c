export * from './canonical-json';
export * from './codes';
export * from './declaration';
export * from './errors';
export * from './esign';
export * from './lifecycle';
export * from './seal';
export * from './trust-list';
