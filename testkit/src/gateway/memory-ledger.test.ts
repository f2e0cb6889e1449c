import { ledgerBehaviour } from '../behaviour/ledger.behaviour';
import { createMemoryLedger } from './memory-ledger';

/** A customs officer, as on the devnet (gdcustoms/officer1). */
const ledger = createMemoryLedger({
  mspId: 'GDCustomsMSP',
  id: 'x509::CN=officer1::CN=ca',
  attributes: { role: 'customs-officer' },
});
let n = 0;
ledgerBehaviour(
  () => ledger,
  (label) => `${label}-${++n}`,
);
