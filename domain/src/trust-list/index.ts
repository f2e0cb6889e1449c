/** The trust list of e-signature authorities and the proposals that change it. */
export * from './trust-list';
export * from './trust-proposals';
