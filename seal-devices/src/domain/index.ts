export * from './checkpoint';
export * from './evidence';
export * from './geo';
export * from './merkle';
export * from './ndef';
export * from './reading';
export * from './sun';
export * from './routes';
