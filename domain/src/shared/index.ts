/** Coded errors, the text rule, the allow table's names and every refusal reason. */
export * from './errors';
export * from './text';
export * from './contract-names';
export * from './refusals';
