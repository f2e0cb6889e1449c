export * from './canonical-json';
export * from './errors';
