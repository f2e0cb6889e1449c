import type { Bundle } from './bundle';
import type { VerifiedBlock } from './check-blocks';
import type { Position } from './endorsement-policy';
import type { DecodedTransaction, EndorserAction } from './ledger';

/** A bundle's transaction found in its verified block, decoded (check-transactions.ts). */
export interface Located {
  ref: Bundle['transactions'][number];
  position: Position;
  tx: DecodedTransaction;
  action: EndorserAction;
  block: VerifiedBlock;
}
