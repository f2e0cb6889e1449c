import fp from 'fastify-plugin';
import { createContractClient, type ContractClient } from '../ports/contract';
import type { Ledger } from '../ports/ledger';

declare module 'fastify' {
  interface FastifyInstance {
    ledger: Ledger;
    /** The contracts as typed methods, with the gateway's own ledger identity. */
    contract: ContractClient;
  }
}

/** Makes the ledger and its contract client available to routes; closes it with the app. */
export default fp<{ ledger: Ledger }>(
  async (app, { ledger }) => {
    app.decorate('ledger', ledger);
    app.decorate('contract', createContractClient(ledger));
    app.addHook('onClose', async () => ledger.close());
  },
  { name: 'ledger' },
);
