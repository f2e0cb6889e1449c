/** Where each act lives on the split network: the chaincode definitions and their routes. */
export * from './namespaces';
