export * from './fixtures';
export * from './memory-ledger';
export * from './test-pki';
export * from './cert-builder';
export * from './chain-pki';
export * from './openssl';
export * from './border';
export * from './worst-bags';
