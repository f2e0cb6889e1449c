/**
 * Signature checks in flight are bounded: per client address (429 RATE_LIMITED at once) and
 * in all (503 BUSY at once, with Retry-After), so a flood of sign-ins queues no unbounded
 * work; /healthz answers meanwhile. The verifier here is held until the test releases it.
 */
import type { FastifyInstance } from 'fastify';
import { createMemoryLedger, createMemorySessionStore } from '@clearance/testkit/gateway';
import { LedgerError } from '@clearance/domain';
import { buildApp } from './app';
import type { AccountStore } from './auth/accounts';
import { SIGNATURE_CHECK_LIMITS, type SignatureVerifier } from './trust-anchors';

const noAccounts: AccountStore = {
  signIn: async () => undefined,
  identity: async () => {
    throw new Error('no accounts here');
  },
  upsert: async () => 'none',
};

describe('signature checks in flight', () => {
  let app: FastifyInstance;
  let release: () => void = () => undefined;
  let started = 0;

  beforeEach(async () => {
    started = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    release = open;
    const verify: SignatureVerifier = async () => {
      started++;
      await gate;
      throw new LedgerError('CERTIFICATE_REJECTED', 'held, then refused', 'PATH_WORK_LIMIT');
    };
    app = await buildApp({
      ledger: createMemoryLedger({ mspId: 'GDCustomsMSP', id: 'x509::CN=gw::CN=ca' }),
      sessions: createMemorySessionStore(),
      accounts: noAccounts,
      verifySignature: verify,
    });
  });
  afterEach(async () => {
    release();
    await app.close();
  });

  const signIn = async (address: string) => {
    const challenge = await app.inject({
      method: 'POST',
      url: '/v1/auth/challenge',
      remoteAddress: address,
    });
    return app.inject({
      method: 'POST',
      url: '/v1/auth/trader',
      remoteAddress: address,
      payload: { challengeId: challenge.json().challengeId, signature: 'MAA=' },
    });
  };
  const settle = () => new Promise((r) => setTimeout(r, 50));

  it('answers 429 at once past the checks one address may have in flight', async () => {
    const held = Array.from({ length: SIGNATURE_CHECK_LIMITS.perClient }, () => signIn('10.1.0.1'));
    await settle();
    const over = await signIn('10.1.0.1');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(started).toBe(SIGNATURE_CHECK_LIMITS.perClient);
    release();
    for (const res of await Promise.all(held)) {
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        error: { code: 'CERTIFICATE_REJECTED', reason: 'PATH_WORK_LIMIT' },
      });
    }
    // Once they ended, the address may ask again.
    expect((await signIn('10.1.0.1')).statusCode).toBe(422);
  });

  it('answers 503 BUSY with Retry-After past the checks all addresses may have in flight', async () => {
    const held = Array.from({ length: SIGNATURE_CHECK_LIMITS.total }, (_, i) =>
      signIn(`10.2.${Math.floor(i / 200)}.${(i % 200) + 1}`),
    );
    await settle();
    const over = await signIn('10.3.0.1');
    expect(over.statusCode).toBe(503);
    expect(over.json()).toMatchObject({ error: { code: 'BUSY' } });
    expect(over.headers['retry-after']).toBe('1');
    expect(started).toBe(SIGNATURE_CHECK_LIMITS.total);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    release();
    await Promise.all(held);
  });
});
