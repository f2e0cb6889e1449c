import { CrossingContract } from './contracts/crossing';
import { DeclarationContract } from './contracts/declaration';
import { LivestockContract } from './contracts/livestock';
import { SealContract } from './contracts/seal';
import { SelfCheckContract } from './contracts/self-check';
import { TrustListContract } from './contracts/trust-list';

export { EVENTS } from '@clearance/domain';
export type { EventName } from '@clearance/domain';
export { DECLARATION_CONTRACT } from './contracts/declaration';
export { SELF_CHECK_CONTRACT } from './contracts/self-check';
export type { SelfCheckRecord } from './contracts/self-check';
export { TRUST_LIST_CONTRACT } from './contracts/trust-list';

export { SEAL_CONTRACT } from './contracts/seal';
export { CROSSING_CONTRACT } from './contracts/crossing';
export { LIVESTOCK_CONTRACT } from './contracts/livestock';
export {
  CrossingContract,
  DeclarationContract,
  LivestockContract,
  SealContract,
  SelfCheckContract,
  TrustListContract,
};

/** The contracts fabric-chaincode-node serves (it reads this export). */
export const contracts = [
  SelfCheckContract,
  DeclarationContract,
  TrustListContract,
  SealContract,
  CrossingContract,
  LivestockContract,
];
