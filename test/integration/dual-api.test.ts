/**
 * Dual filings through the gateway's HTTP API on real PostgreSQL and Redis, the contracts on
 * the in-memory ledger twin: a trader files once at the receiving side, the other side's
 * worker files its half with the values this gateway kept, the pair page shows both;
 * what the route refuses before anything is queued; an amendment of shared data.
 */
import {
  OFFICERS,
  createTestPki,
  listAuthority,
  sampleDualFiling,
  withHashes,
  type DualFiling,
  type TestIdentity,
  type TestPki,
  type TestSigner,
} from '@clearance/testkit/chaincode';
import { canonicalBytes } from '@clearance/core';
import { createDualCommercialStore, fileAllPendingHalves, migrate } from '@clearance/gateway';
import { createMemoryNetwork } from '@clearance/testkit/gateway';
import { Devnet } from '@clearance/devnet';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTwinGateway, TEST_PASSWORD, type GatewayServices } from '../support/twin-gateway';

const ACCOUNTS: Record<string, TestIdentity> = {
  'gdcustoms/officer1': OFFICERS.gdCustoms,
  'gdcustoms/agent': OFFICERS.gdAgent,
  'hkcustoms/officer1': OFFICERS.hkCustoms,
  'hkcustoms/agent': OFFICERS.hkAgent,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

describe('dual filings through the gateway API', () => {
  const devnet = new Devnet({ log: () => undefined });
  const network = createMemoryNetwork();
  let db: TestDatabase;
  let services: GatewayServices;
  let app: FastifyInstance;
  let base: string;
  let pki: TestPki;
  let startedServers: string[] = [];
  const run = randomUUID().slice(0, 6).toUpperCase();

  beforeAll(async () => {
    db = await createTestDatabase();
    const urls = await devnet.services();
    startedServers = urls.started;
    await migrate(db.pool);
    pki = await createTestPki({ idSuffix: run });
    const [gdAdmin, hkAdmin] = [OFFICERS.gdTrustAdmin, OFFICERS.hkTrustAdmin].map(network.as);
    await listAuthority(gdAdmin!, hkAdmin!, pki.gd);
    await listAuthority(hkAdmin!, gdAdmin!, pki.hk);
    ({ services, app } = await startTwinGateway({
      network,
      pool: db.pool,
      redisUrl: urls.redisUrl,
      accounts: ACCOUNTS,
      appIdentity: OFFICERS.gdCustoms,
      queuePrefix: 'dual',
    }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await services?.close();
    await db?.drop();
    if (startedServers.length) await devnet.stop(startedServers);
  }, 60_000);

  const http = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined
          ? {
              'content-type': 'application/json',
              'idempotency-key': randomUUID(),
              prefer: 'wait=20',
            }
          : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };
  const traderToken = async (signer: TestSigner): Promise<string> => {
    const { body } = await http('POST', '/v1/auth/challenge', undefined, {});
    const signature = await signer.sign(Buffer.from(body.challenge, 'base64'));
    const signed = await http('POST', '/v1/auth/trader', undefined, {
      challengeId: body.challengeId,
      signature: Buffer.from(signature).toString('base64'),
    });
    return signed.body.token as string;
  };
  const officerToken = async (account: string): Promise<string> => {
    const [organisation, username] = account.split('/');
    const res = await http('POST', '/v1/auth/officer', undefined, {
      organisation,
      username,
      password: TEST_PASSWORD,
    });
    return res.body.token as string;
  };
  const body = async (filing: DualFiling, signer: TestSigner) => ({
    submission: filing.submission,
    commercial: filing.commercial,
    signature: Buffer.from(await signer.sign(canonicalBytes(filing.submission))).toString('base64'),
  });
  const gdNodePass = () =>
    fileAllPendingHalves({
      agents: { GD: () => services.ledgers('gdcustoms/agent') },
      commercial: createDualCommercialStore(db.pool),
      onError: (error) => {
        throw error;
      },
    });

  it('files once at HK; GD’s worker files its half with the values kept; the pair shows both', async () => {
    const hkTrader = await traderToken(pki.signers.hkTrader);
    const id = `DA-${run}-1`;
    const filing = await sampleDualFiling(id);
    const filed = await http('POST', '/v1/dual-declarations', hkTrader, {
      ...(await body(filing, pki.signers.hkTrader)),
      receivedIn: 'HK',
    });
    expect(filed.status).toBe(200);
    expect(filed.body.operation).toMatchObject({ state: 'succeeded', declarationId: `${id}-HK` });
    const half = await http('GET', `/v1/dual-declarations/${id}`, hkTrader);
    expect(half.status).toBe(200);
    expect(half.body.halves.GD).toBeNull();
    expect(half.body.halves.HK).toMatchObject({ state: 'SUBMITTED', jurisdiction: 'HK' });
    expect(half.body.submission).toMatchObject({ submissionId: id, version: 1, receivedIn: 'HK' });

    expect(await gdNodePass()).toBe(1);
    const pair = await http('GET', `/v1/dual-declarations/${id}`, hkTrader);
    expect(pair.body.halves.GD).toMatchObject({
      state: 'SUBMITTED',
      jurisdiction: 'GD',
      pair: { submissionId: id, receivedIn: 'HK', other: { declarationId: `${id}-HK` } },
    });
    // GD's values reached GD's collection, as signed (the twin's GetCommercial).
    const gdOfficer = network.as(OFFICERS.gdCustoms);
    const values = await gdOfficer.evaluate('Declaration:GetCommercial', [`${id}-GD`, '']);
    expect(JSON.parse(values)).toEqual(filing.commercial.GD);

    // Another trader does not see it; an officer of either side does.
    const gdTrader = await traderToken(pki.signers.gdTrader);
    expect((await http('GET', `/v1/dual-declarations/${id}`, gdTrader)).status).toBe(404);
    const officer = await officerToken('gdcustoms/officer1');
    expect((await http('GET', `/v1/dual-declarations/${id}`, officer)).status).toBe(200);

    // Shared data amended with one new signature: both halves at version 2.
    const amended = {
      ...filing,
      submission: {
        ...filing.submission,
        shared: { ...filing.submission.shared, grossWeightKg: 861 },
      },
    };
    const res = await http(
      'POST',
      `/v1/dual-declarations/${id}/amendments`,
      hkTrader,
      await body(amended, pki.signers.hkTrader),
    );
    expect(res.body.operation).toMatchObject({ state: 'succeeded' });
    expect(await gdNodePass()).toBe(1);
    const after = await http('GET', `/v1/dual-declarations/${id}`, hkTrader);
    expect([after.body.halves.HK.version, after.body.halves.GD.version]).toEqual([2, 2]);
    expect(after.body.halves.GD.declaration.grossWeightKg).toBe(861);
  }, 60_000);

  it('refuses before queueing: values not those signed, someone else’s signature, a bad submission', async () => {
    const hkTrader = await traderToken(pki.signers.hkTrader);
    const id = `DA-${run}-2`;
    const filing = await sampleDualFiling(id);
    const wrongValues = {
      ...(await body(filing, pki.signers.hkTrader)),
      commercial: { ...filing.commercial, GD: { ...filing.commercial.GD, freight: '1.00' } },
      receivedIn: 'HK',
    };
    const a = await http('POST', '/v1/dual-declarations', hkTrader, wrongValues);
    expect([a.status, a.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const b = await http('POST', '/v1/dual-declarations', hkTrader, {
      ...(await body(filing, pki.signers.gdTrader)),
      receivedIn: 'HK',
    });
    expect([b.status, b.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const sameIds = await withHashes(
      {
        ...filing.submission,
        sides: {
          ...filing.submission.sides,
          GD: { ...filing.submission.sides.GD, declarationId: `${id}-HK` },
        },
      },
      filing.commercial,
    );
    const c = await http('POST', '/v1/dual-declarations', hkTrader, {
      ...(await body({ ...filing, submission: sameIds }, pki.signers.hkTrader)),
      receivedIn: 'HK',
    });
    expect(c.status).toBe(400);
    const none = await http('GET', `/v1/dual-declarations/${id}`, hkTrader);
    expect(none.status).toBe(404);
    const { rows } = await db.pool.query(`SELECT 1 FROM operations WHERE declaration_id LIKE $1`, [
      `${id}%`,
    ]);
    expect(rows).toEqual([]);
  }, 60_000);
});
