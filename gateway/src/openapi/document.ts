/**
 * The OpenAPI document as the routes declare it: the app is built with every route
 * registered but nothing connected (no route is called), and asked for its document.
 */
import { EventEmitter } from 'node:events';
import { Pool } from 'pg';
import { buildApp } from '../app';
import type { AccountStore } from '../auth/accounts';
import type { SessionStore } from '../auth/sessions';
import type { Ledger } from '../ports/ledger';
import type { Operations } from '../operations/submit';
import type { EvidenceOptions } from '../routes/evidence';
import type { Attester } from '@clearance/verifier';

/** A part the app is built with but never calls: any use of it throws. */
function unused<T extends object>(): T {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a stand-in of any shape: every property access throws, so no member is ever used
  return new Proxy({} as T, {
    get() {
      throw new Error('not connected: the OpenAPI build calls no route');
    },
  });
}

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const pool = new Pool({ max: 1 }); // connects only when queried, which never happens here
  const app = await buildApp({
    ledger: { ...unused<Ledger>(), close: async () => undefined },
    sessions: unused<SessionStore>(),
    accounts: unused<AccountStore>(),
    database: pool,
    operations: {
      store: unused<Operations['store']>(),
      queue: unused<Operations['queue']>(),
      waiter: unused<Operations['waiter']>(),
    },
    notifications: { events: new EventEmitter(), close: async () => undefined },
    evidence: { ...unused<EvidenceOptions>(), attester: unused<Attester>() },
    tagKeys: { metaKey: new Uint8Array(16), masterKey: new Uint8Array(16) },
  });
  try {
    const document = app.swagger();
    if (!('components' in document) || !document.components?.schemas) return { ...document };
    // Named schemas by name: their order would otherwise follow the order modules load in.
    const { schemas } = document.components;
    const sorted = Object.fromEntries(
      Object.keys(schemas)
        .sort()
        .map((name) => [name, schemas[name]]),
    );
    return { ...document, components: { ...document.components, schemas: sorted } };
  } finally {
    await app.close();
    await pool.end();
  }
}
