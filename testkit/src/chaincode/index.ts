export * from './fixtures';
export * from './memory-ledger';
export * from './test-pki';
export * from './cert-builder';
export * from './chain-pki';
export * from './openssl';
export * from './worst-bags';
