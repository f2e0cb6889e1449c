/** The chaincode's event names and what each event carries. */
export * from './events';
export * from './event-payloads';
