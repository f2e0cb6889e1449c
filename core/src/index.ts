export * from './canonical-json';
export * from './bytes';
