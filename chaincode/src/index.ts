import { SelfCheckContract } from './contracts/self-check';

export { EVENTS } from './contracts/events';
export type { EventName } from './contracts/events';
export { SELF_CHECK_CONTRACT } from './contracts/self-check';
export type { SelfCheckRecord } from './contracts/self-check';

/** The contracts fabric-chaincode-node serves (it reads this export). */
export const contracts = [SelfCheckContract];
