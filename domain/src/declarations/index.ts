/** The declaration: its filing, code lists, words, records and life cycle. */
export * from './codes';
export * from './declaration';
export * from './vocabulary';
export * from './records';
export * from './lifecycle';
export * from './sharing';
export * from './dual';
