export * from './fixtures';
export * from './memory-ledger';
export * from './test-pki';
