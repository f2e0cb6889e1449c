/**
 * The OpenAPI document as the routes declare it: the app is built with every route
 * registered but nothing connected (no route is called), and asked for its document.
 */
import { EventEmitter } from 'node:events';
import { Pool } from 'pg';
import { buildApp } from '../app';
import type { AccountStore } from '../auth/accounts';
import type { SessionStore } from '../auth/sessions';
import type { Ledger } from '../ledger/ledger';
import type { Notifications } from '../notifications';
import type { Operations } from '../operations/submit';
import type { EvidenceOptions } from '../routes/evidence';
import type { Attester } from '@clearance/verifier';

const unused = new Proxy(
  {},
  {
    get() {
      throw new Error('not connected: the OpenAPI build calls no route');
    },
  },
);

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const pool = new Pool({ max: 1 }); // connects only when queried, which never happens here
  const app = await buildApp({
    ledger: { ...(unused as Ledger), close: async () => undefined },
    sessions: unused as SessionStore,
    accounts: unused as AccountStore,
    database: pool,
    operations: { store: unused, queue: unused, waiter: unused } as Operations,
    notifications: { events: new EventEmitter(), close: async () => undefined } as Notifications,
    evidence: { ...(unused as EvidenceOptions), attester: unused as Attester },
    tagKeys: { metaKey: new Uint8Array(16), masterKey: new Uint8Array(16) },
  });
  try {
    return { ...app.swagger() };
  } finally {
    await app.close();
    await pool.end();
  }
}
