/** Food animals supplied to Hong Kong: farms, certificates, arrival, receipt, trace-back. */
export * from './records';
export * from './rules';
export * from './routing';
