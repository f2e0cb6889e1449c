import { ledgerBehaviour } from '../behaviour/ledger.behaviour';
import { createMemoryLedger } from './memory-ledger';

const ledger = createMemoryLedger({ mspId: 'GDCustomsMSP', id: 'x509::CN=user1::CN=ca' });
let n = 0;
ledgerBehaviour(
  () => ledger,
  (label) => `${label}-${++n}`,
);
