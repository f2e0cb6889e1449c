import fp from 'fastify-plugin';
import type { Ledger } from '../ledger/ledger';

declare module 'fastify' {
  interface FastifyInstance {
    ledger: Ledger;
  }
}

/** Makes the ledger available to routes and closes its connection with the app. */
export default fp<{ ledger: Ledger }>(
  async (app, { ledger }) => {
    app.decorate('ledger', ledger);
    app.addHook('onClose', async () => ledger.close());
  },
  { name: 'ledger' },
);
