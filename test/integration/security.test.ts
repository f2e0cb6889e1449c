/**
 * The holes a second outside test found (issue 21), each as a class of defect, through HTTP on
 * real PostgreSQL and Redis with the contracts on the ledger twin: identities a name cannot
 * forge, trust-list changes needing both customs services, bounded work and resources for
 * unauthenticated and long-lived requests, scopes on reads, coded 400s, no-store, lockouts.
 */
import {
  OFFICERS,
  addAuthorityChange,
  createTestPki,
  listAuthority,
  type TestIdentity,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { TEST_METRICS_HEADERS } from '@clearance/testkit/gateway';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import * as nodeHttp from 'node:http';
import { signReading, type SignedReading } from '@clearance/domain/node';
import type { TestDatabase } from '../support/database';
import { sealedDevice } from '../support/devnet-fixtures';
import { memoryIndexFeed } from '../support/memory-index';
import {
  gatewayHttp,
  signedFiling,
  TEST_PASSWORD,
  twinGatewaySuite,
  type GatewayServices,
} from '../support/twin-gateway';

const ACCOUNTS: Record<string, TestIdentity> = {
  'gdcustoms/officer1': OFFICERS.gdCustoms,
  'gdcustoms/agent': OFFICERS.gdAgent,
  'hkcustoms/officer1': OFFICERS.hkCustoms,
  'hkcustoms/agent': OFFICERS.hkAgent,
  'gdcustoms/trust-admin': OFFICERS.gdTrustAdmin,
  'hkcustoms/trust-admin': OFFICERS.hkTrustAdmin,
  'logistics/operator1': OFFICERS.sealOperator,
  'hkcustoms/lane-lmc': OFFICERS.hkLaneLmc,
};

// Response bodies: their shape is what the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

/** The pool, with every query over `ledger_events e` (the event stream's reads) recorded. */
function recording(pool: Pool, into: { text: string; values: unknown[] }[]): Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return (text: unknown, values?: unknown[]) => {
        if (typeof text === 'string' && text.includes('FROM ledger_events e'))
          into.push({ text, values: values ?? [] });
        return target.query(text as string, values);
      };
    },
  });
}

/** A JSON request from another local address (127.0.0.x: its own client address). */
function requestFrom(
  base: string,
  localAddress: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}${path}`);
    const request = nodeHttp.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        localAddress,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Opens an event stream; `close` ends it; `text` is what arrived so far. */
async function openStream(url: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const stream = { status: res.status, text: '', close: () => controller.abort() };
  if (res.status === 200 && res.body) {
    const reader = res.body.getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        stream.text += Buffer.from(value!).toString();
      }
    })();
  } else await res.text();
  return stream;
}

describe('security: issue 21', () => {
  /** What the app asked its own ledger, by transaction. */
  const asked = new Map<string, number>();
  /** The event stream's reads of ledger_events: their SQL and values. */
  const streamReads: { text: string; values: unknown[] }[] = [];
  const suite = twinGatewaySuite({
    accounts: ACCOUNTS,
    appIdentity: OFFICERS.gdCustoms,
    queuePrefix: 'security',
    authorities: ['gd', 'hk'],
    listen: true,
    app: (pool) => ({ database: recording(pool, streamReads) }),
    wrapLedger: (ledger) => ({
      ...ledger,
      evaluate: (transaction, args) => {
        asked.set(transaction, (asked.get(transaction) ?? 0) + 1);
        return ledger.evaluate(transaction, args);
      },
    }),
  });
  const { network } = suite;
  let db: TestDatabase;
  let services: GatewayServices;
  let base: string;
  let pki: TestPki;
  beforeAll(() => ({ db, services, base, pki } = suite));
  const syncIndex = memoryIndexFeed(network.chain, () => db.pool);
  const { http, trader, signInSoon } = gatewayHttp(() => base);

  const officer = async (account: string) => {
    const [organisation, username] = account.split('/');
    const res = await http('POST', '/v1/auth/officer', {
      body: { organisation, username, password: TEST_PASSWORD },
    });
    if (res.status !== 200) throw new Error(`${account}: ${res.status}`);
    return res.body.token as string;
  };

  const act = (token: string, path: string, body: unknown) =>
    http('POST', path, {
      token,
      body,
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });

  describe('2. identities a name cannot forge; trust-list changes need both customs services', () => {
    it("a certificate naming the HK trader from another authority, or a CN spelling their name, is someone else: 404 on the trader's declarations", async () => {
      // Even listed with both sides' consent, a CA with the real CA's name is another authority.
      await listAuthority(
        network.as(OFFICERS.gdTrustAdmin),
        network.as(OFFICERS.hkTrustAdmin),
        pki.impostor,
      );
      const real = await signInSoon(pki.signers.hkTrader, 200);
      expect(real.status).toBe(200);
      const id = `HK-OWN-${randomUUID().slice(0, 8)}`;
      const filed = await act(
        real.body.token,
        '/v1/declarations',
        await signedFiling(id, pki.signers.hkTrader, 'HK'),
      );
      expect(filed.body.operation.state).toBe('succeeded');
      await syncIndex();
      for (const impostor of [
        pki.impostors.sameNameOtherAuthority,
        pki.impostors.commaInCommonName,
      ]) {
        const fake = await signInSoon(impostor, 200);
        expect(fake.status).toBe(200);
        expect(fake.body.principal.id).not.toBe(real.body.principal.id);
        const token = fake.body.token as string;
        expect((await http('GET', `/v1/declarations/${id}`, { token })).status).toBe(404);
        expect((await http('GET', `/v1/declarations/${id}/summary`, { token })).status).toBe(404);
        expect((await http('GET', `/v1/declarations/${id}/history`, { token })).status).toBe(404);
        expect((await http('GET', '/v1/declarations', { token })).body.items).toEqual([]);
        const amended = await act(
          token,
          `/v1/declarations/${id}/amendments`,
          await signedFiling(id, impostor, 'HK'),
        );
        expect(amended.status).toBe(404);
      }
      expect((await http('GET', `/v1/declarations/${id}`, { token: real.body.token })).status).toBe(
        200,
      );
    });

    it("one side's trust admin alone cannot withdraw the other side's authority; with the other side's approval it takes effect", async () => {
      const gdAdmin = await officer('gdcustoms/trust-admin');
      const hkAdmin = await officer('hkcustoms/trust-admin');
      const proposed = await act(gdAdmin, '/v1/trust-list/proposals', {
        change: 'WITHDRAW',
        authorityId: pki.hk.authorityId,
        reason: 'GD alone',
      });
      expect(proposed.body.operation).toMatchObject({
        state: 'succeeded',
        result: { status: 'PENDING', proposedBy: { mspId: 'GDCustomsMSP' } },
      });
      const proposalId = proposed.body.operation.result.proposalId as string;
      // Its own side approving is refused by the chaincode; nothing changes.
      const self = await act(gdAdmin, `/v1/trust-list/proposals/${proposalId}/approval`, {
        reason: 'me too',
      });
      expect(self.body.operation).toMatchObject({ state: 'failed', error: { code: 'FORBIDDEN' } });
      // Officers who are not trust admins are refused at the gateway.
      const officerToken = await officer('hkcustoms/officer1');
      expect(
        (
          await act(officerToken, `/v1/trust-list/proposals/${proposalId}/approval`, {
            reason: 'x',
          })
        ).status,
      ).toBe(403);
      // Pending: HK traders sign in and file as before.
      const listed = await http('GET', '/v1/trust-list/proposals?status=PENDING', {
        token: hkAdmin,
      });
      expect(listed.body.items.map((p: Body) => p.proposalId)).toContain(proposalId);
      expect((await trader(pki.signers.hkTrader)).status).toBe(200);
      const approved = await act(hkAdmin, `/v1/trust-list/proposals/${proposalId}/approval`, {
        reason: 'HK agrees',
      });
      expect(approved.body.operation).toMatchObject({
        state: 'succeeded',
        result: { status: 'APPROVED', decidedBy: { mspId: 'HKCustomsMSP' } },
      });
      await syncIndex();
      const refused = await signInSoon(pki.signers.hkTrader, 422);
      expect(refused.body.error).toMatchObject({
        code: 'CERTIFICATE_REJECTED',
        reason: 'AUTHORITY_WITHDRAWN',
      });
      const record = await http('GET', `/v1/trust-list/proposals/${proposalId}`, {
        token: gdAdmin,
      });
      expect(record.body).toMatchObject({ status: 'APPROVED', change: { change: 'WITHDRAW' } });
    });

    it('a proposal can be rejected by the other side or withdrawn by its own; the old routes that acted alone are gone', async () => {
      const gdAdmin = await officer('gdcustoms/trust-admin');
      const hkAdmin = await officer('hkcustoms/trust-admin');
      const change = JSON.parse(addAuthorityChange(pki.rogue)) as Body;
      const first = await act(gdAdmin, '/v1/trust-list/proposals', change);
      const second = await act(gdAdmin, '/v1/trust-list/proposals', change);
      const [a, b] = [first, second].map((r) => r.body.operation.result.proposalId as string);
      const rejected = await act(hkAdmin, `/v1/trust-list/proposals/${a}/rejection`, {
        reason: 'unknown CA',
      });
      expect(rejected.body.operation.result.status).toBe('REJECTED');
      const withdrawn = await act(gdAdmin, `/v1/trust-list/proposals/${b}/withdrawal`, {
        reason: 'mistake',
      });
      expect(withdrawn.body.operation.result.status).toBe('WITHDRAWN');
      const list = await http('GET', '/v1/trust-list', { token: gdAdmin });
      expect(list.body.items.map((x: Body) => x.authorityId)).not.toContain(pki.rogue.authorityId);
      expect(
        (await act(gdAdmin, '/v1/trust-list', JSON.parse(addAuthorityChange(pki.rogue)))).status,
      ).toBe(404);
      expect(
        (
          await act(gdAdmin, `/v1/trust-list/${pki.gd.authorityId}/withdrawal`, {
            reason: 'alone',
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('3. bounded work and memory for readings from anyone', () => {
    const reading = (deviceId: string, counter: number) => ({
      deviceId,
      counter,
      time: new Date().toISOString(),
      position: { lat: 22.3, lon: 114.1 },
      speedKmh: 40,
      lock: 'SEALED' as const,
      batteryPct: 90,
      event: 'POSITION' as const,
    });
    const forged = (deviceId: string, counter: number): SignedReading => ({
      reading: reading(deviceId, counter),
      signature: randomBytes(64).toString('base64'),
    });
    const post = (readings: unknown[]) =>
      http('POST', '/v1/seals/readings', { body: { readings } });
    /** Posts from another local address (127.0.0.2): its own budget of unknown devices. */
    const postFrom = (localAddress: string, readings: unknown[]) =>
      requestFrom(base, localAddress, 'POST', '/v1/seals/readings', { readings });

    it('asks the ledger about at most a bounded number of unknown devices, however many ids are sent', async () => {
      const before = asked.get('Seal:GetActiveSeal') ?? 0;
      for (let batch = 0; batch < 4; batch++) {
        const readings = Array.from({ length: 5000 }, (_, i) =>
          forged(`ZZ-${batch}-${i}-${randomBytes(3).toString('hex').toUpperCase()}`, 1),
        );
        const res = await post(readings);
        expect(res.status).toBe(202);
        expect(res.body.accepted).toBe(0);
        const reasons = new Set(res.body.rejected.map((r: Body) => r.reason));
        expect([...reasons].every((r) => r === 'UNKNOWN_DEVICE' || r === 'NOT_CHECKED')).toBe(true);
      }
      // 20,000 made-up ids: the ledger was asked about 64 at most (one address, one minute).
      expect((asked.get('Seal:GetActiveSeal') ?? 0) - before).toBeLessThanOrEqual(64);
    });

    it('stops checking forged signatures of a known device after a few; nothing is stored', async () => {
      const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const deviceId = `EL-FORGE-${randomBytes(2).toString('hex').toUpperCase()}`;
      const sealId = `SEAL-${deviceId}`;
      const id = `GD-FORGE-${randomBytes(3).toString('hex')}`;
      const filed = await act(
        (await signInSoon(pki.signers.gdTrader, 200)).body.token,
        '/v1/declarations',
        await signedFiling(id, pki.signers.gdTrader, 'GD'),
      );
      expect(filed.body.operation.state).toBe('succeeded');
      await sealedDevice((who) => network.as(ACCOUNTS[who]!), {
        deviceId,
        sealId,
        publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        tagUid: randomBytes(7).toString('hex'),
        declarationIds: [id],
      });
      const good = signReading(reading(deviceId, 1), keys.privateKey);
      const res = await postFrom('127.0.0.2', [
        good,
        ...Array.from({ length: 4999 }, (_, i) => forged(deviceId, i + 2)),
      ]);
      expect(res.status).toBe(202);
      expect(res.body.accepted).toBe(1);
      const bad = res.body.rejected.filter((r: Body) => r.reason === 'BAD_SIGNATURE').length;
      const unchecked = res.body.rejected.filter((r: Body) => r.reason === 'NOT_CHECKED').length;
      expect(bad).toBeGreaterThanOrEqual(16);
      expect(bad).toBeLessThan(32);
      expect(bad + unchecked).toBe(4999);
      const { rows } = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM readings WHERE device_id = $1',
        [deviceId],
      );
      expect(rows[0]!.n).toBe(1);
    });
  });

  describe('5. event streams limited per principal and address, each read bounded', () => {
    const traderSession = (n: number) =>
      services.sessions.create({
        kind: 'trader',
        id: `stream-trader-${n}-${randomUUID()}`,
        subject: `CN=Stream Trader ${n}`,
        issuer: 'CN=Nobody',
        jurisdiction: 'GD',
        authorityId: 'NONE',
      });

    it('holds at most 4 streams per principal and 16 per address; a closed one frees its place', async () => {
      const { token } = await traderSession(0);
      const mine = [];
      for (let i = 0; i < 4; i++) mine.push(await openStream(`${base}/v1/events`, token));
      expect(mine.map((m) => m.status)).toEqual([200, 200, 200, 200]);
      const fifth = await openStream(`${base}/v1/events`, token);
      expect(fifth.status).toBe(429);
      mine.pop()!.close();
      await new Promise((r) => setTimeout(r, 200));
      const again = await openStream(`${base}/v1/events`, token);
      expect(again.status).toBe(200);
      mine.push(again);
      // Other principals from the same address: 16 streams in all from it.
      const others = [];
      for (let n = 1; n <= 12; n++)
        others.push(await openStream(`${base}/v1/events`, (await traderSession(n)).token));
      expect(others.map((o) => o.status)).toEqual(Array(12).fill(200));
      const seventeenth = await openStream(`${base}/v1/events`, (await traderSession(99)).token);
      expect(seventeenth.status).toBe(429);
      for (const s of [...mine, ...others]) s.close();
      await new Promise((r) => setTimeout(r, 200));
    });

    it('reads each index position once per stream, not everything after its last visible event at every wake', async () => {
      const { token } = await traderSession(100);
      const stream = await openStream(`${base}/v1/events`, token);
      expect(stream.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      // 20,000 events the trader may not see, then five wakes.
      await db.pool.query(
        `INSERT INTO ledger_events (tx_id, channel, block_number, event_name, payload)
         SELECT 'invisible-' || g || '-' || $1, 'other', 1, 'SelfCheckRecorded', '{}'::jsonb
         FROM generate_series(1, 20000) g`,
        [randomUUID()],
      );
      streamReads.length = 0;
      for (let i = 0; i < 5; i++) {
        await db.pool.query(`SELECT pg_notify('ledger_events', 'SelfCheckRecorded')`);
        await new Promise((r) => setTimeout(r, 150));
      }
      await new Promise((r) => setTimeout(r, 500));
      stream.close();
      expect(streamReads.length).toBeGreaterThan(0);
      // Every read is bounded above, and together they cover the new events about once.
      const unbounded = streamReads.filter((q) => !/e\.seq <= \$2/.test(q.text));
      expect(unbounded).toEqual([]);
      const covered = streamReads.reduce(
        (n, q) => n + Number(BigInt(q.values[1] as string) - BigInt(q.values[0] as string)),
        0,
      );
      expect(covered).toBeLessThanOrEqual(20_000 + 100);
    });
  });

  describe("7. a self-check records who asked, under the asker's own identity", () => {
    it.each([
      ['logistics/operator1', 'LogisticsMSP', 'seal-operator', OFFICERS.sealOperator.id],
      ['hkcustoms/officer1', 'HKCustomsMSP', 'customs-officer', OFFICERS.hkCustoms.id],
    ])('%s', async (account, mspId, role, id) => {
      const token = await officer(account);
      const res = await http('POST', '/v1/self-checks', { token, body: { note: 'probe' } });
      expect(res.status).toBe(201);
      expect(res.body.record.recordedBy).toEqual({ mspId, id, role });
      const read = await http('GET', `/v1/self-checks/${res.body.checkId}`, { token });
      expect(read.body.recordedBy).toEqual({ mspId, id, role });
    });
  });

  describe("8, 9. seal reads scoped: a trader sees only their own declarations, a lane device only its lane's seals", () => {
    let other: TestPki;
    let mine: string;
    let theirs: string;
    let sealId: string;
    let lmcSealId: string;
    let traderToken: string;

    beforeAll(async () => {
      other = await createTestPki({ idSuffix: `O${randomUUID().slice(0, 5).toUpperCase()}` });
      await listAuthority(
        network.as(OFFICERS.gdTrustAdmin),
        network.as(OFFICERS.hkTrustAdmin),
        other.gd,
      );
      const run = randomUUID().slice(0, 6).toUpperCase();
      [mine, theirs] = [`GD-MINE-${run}`, `GD-THEIRS-${run}`];
      traderToken = (await signInSoon(pki.signers.gdTrader, 200)).body.token;
      const otherToken = (await signInSoon(other.signers.gdTrader, 200)).body.token;
      for (const [token, id, signer] of [
        [traderToken, mine, pki.signers.gdTrader],
        [otherToken, theirs, other.signers.gdTrader],
      ] as const) {
        const filed = await act(token, '/v1/declarations', await signedFiling(id, signer, 'GD'));
        expect(filed.body.operation.state).toBe('succeeded');
      }
      const seal = async (suffix: string, routeId: string, declarationIds: string[]) => {
        const id = `SEAL-${suffix}-${run}`;
        await sealedDevice((who) => network.as(ACCOUNTS[who]!), {
          deviceId: `EL-${suffix}-${run}`,
          sealId: id,
          publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
            .publicKey.export({ type: 'spki', format: 'pem' })
            .toString(),
          tagUid: randomBytes(7).toString('hex'),
          declarationIds,
          routeId,
        });
        return id;
      };
      // A shared seal on a route through Shenzhen Bay (not Lok Ma Chau), with an alarm.
      sealId = await seal('SHARED', 'KWC-DONGGUAN', [mine, theirs]);
      await network
        .as(OFFICERS.sealOperator)
        .submit('Seal:RecordAlarm', [sealId, 'TAMPER', 'wire cut']);
      lmcSealId = await seal('LMC', 'HKIA-FUTIAN', [mine]);
      await syncIndex();
    });

    it('shows a trader a shared seal with their own declarations only, in the list, the seal, its track and the event stream', async () => {
      const list = await http('GET', '/v1/seals', { token: traderToken });
      const item = list.body.items.find((s: Body) => s.sealId === sealId);
      expect(item.declarationIds).toEqual([mine]);
      const one = await http('GET', `/v1/seals/${sealId}`, { token: traderToken });
      expect(one.status).toBe(200);
      expect(one.body.seal.declarationIds).toEqual([mine]);
      expect(one.body.seal.alarms.map((a: Body) => a.heldDeclarations)).toEqual([[mine]]);
      const track = await http('GET', `/v1/seals/${sealId}/track`, { token: traderToken });
      expect(track.body.alarms.map((a: Body) => a.heldDeclarations)).toEqual([[mine]]);
      const stream = await openStream(`${base}/v1/events?after=0`, traderToken);
      const deadline = Date.now() + 10_000;
      while (!stream.text.includes('SealAlarmRaised') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      stream.close();
      expect(stream.text).toContain(`"sealId":"${sealId}"`);
      expect(stream.text).toContain('SealAlarmRaised');
      expect(stream.text).not.toContain(theirs);
      // The other trader's view of the same seal names only theirs; an officer sees both.
      const officerView = await http('GET', `/v1/seals/${sealId}`, {
        token: await officer('gdcustoms/officer1'),
      });
      expect(officerView.body.seal.declarationIds.sort()).toEqual([mine, theirs].sort());
    });

    it('lets a lane device read only seals whose route crosses its control point', async () => {
      const lane = await officer('hkcustoms/lane-lmc');
      expect((await http('GET', `/v1/seals/${sealId}`, { token: lane })).status).toBe(404);
      expect((await http('GET', `/v1/seals/${sealId}/track`, { token: lane })).status).toBe(404);
      expect((await http('GET', `/v1/seals/${lmcSealId}`, { token: lane })).status).toBe(200);
      expect((await http('GET', `/v1/seals/${lmcSealId}/track`, { token: lane })).status).toBe(200);
    });
  });

  describe('11. a coded 400 for every malformed input, never a 500', () => {
    const raw = (method: string, path: string, body: string, token?: string) =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Body }));

    it.each([
      ['arrays', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
      ['objects', (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`],
      ['in a field', (n: number) => `{"challengeId":${'['.repeat(n)}${']'.repeat(n)}}`],
    ])('deeply nested JSON (%s) on the public sign-in routes', async (_, nested) => {
      for (const path of ['/v1/auth/trader', '/v1/auth/officer', '/v1/auth/challenge']) {
        for (const depth of [100, 10_000, 100_000]) {
          const res = await raw('POST', path, nested(depth));
          expect({ path, depth, status: res.status }).toEqual({ path, depth, status: 400 });
          expect(res.body.error.code).toBe('VALIDATION_FAILED');
        }
      }
    });

    it('list cursors out of range or not of this API', async () => {
      const token = await officer('gdcustoms/officer1');
      const cursors = [
        '99999999999999999999:GD-1', // past bigint
        '9223372036854775808:GD-1',
        '1:GD\u0000X',
        `1:${'x'.repeat(300)}`,
        '-1:GD-1',
      ].map((c) => Buffer.from(c).toString('base64url'));
      for (const cursor of cursors) {
        const res = await http('GET', `/v1/declarations?cursor=${cursor}`, { token });
        expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      for (const cursor of [
        Buffer.from('2026-01-01T00:00:00.000Z|X\u0000').toString('base64url'),
        Buffer.from(`2026-01-01T00:00:00.000Z|${'x'.repeat(300)}`).toString('base64url'),
      ]) {
        const res = await http('GET', `/v1/crossings?cursor=${cursor}`, { token });
        expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
      }
    });
  });

  describe('12. Cache-Control: no-store on every answer carrying a token or authenticated data', () => {
    it('sign-ins, reads, lists and refusals', async () => {
      const signIn = await http('POST', '/v1/auth/officer', {
        body: { organisation: 'gdcustoms', username: 'officer1', password: TEST_PASSWORD },
      });
      expect(signIn.status).toBe(200);
      const token = signIn.body.token as string;
      const traderSignIn = await signInSoon(pki.signers.gdTrader, 200);
      const answers = [
        signIn,
        traderSignIn,
        await http('POST', '/v1/auth/challenge', { body: {} }),
        await http('GET', '/v1/me', { token }),
        await http('GET', '/v1/declarations', { token }),
        await http('GET', '/v1/trust-list', { token }),
        await http('GET', '/v1/seals', { token }),
        await http('GET', '/v1/declarations/GD-NONE', { token }),
        await http('GET', '/v1/me'),
      ];
      for (const res of answers) expect(res.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('13. no lockout anyone can trigger; /metrics not public', () => {
    it("refuses the address guessing an officer's password, not the officer", async () => {
      const guess = (password: string) =>
        requestFrom(base, '127.0.0.3', 'POST', '/v1/auth/officer', {
          organisation: 'hkcustoms',
          username: 'officer1',
          password,
        });
      const answers = [];
      for (let n = 0; n < 12; n++) answers.push((await guess(`wrong-${n}`)).status);
      expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(answers.slice(5)).toEqual(Array(7).fill(429));
      // The right password from the guessing address is refused too...
      expect((await guess(TEST_PASSWORD)).status).toBe(429);
      // ...but the officer, from their own address, signs in.
      const own = await requestFrom(base, '127.0.0.4', 'POST', '/v1/auth/officer', {
        organisation: 'hkcustoms',
        username: 'officer1',
        password: TEST_PASSWORD,
      });
      expect(own.status).toBe(200);
    });

    it('serves /metrics only for its bearer token', async () => {
      expect((await http('GET', '/metrics')).status).toBe(401);
      expect(
        (await http('GET', '/metrics', { headers: { authorization: 'Bearer nope' } })).status,
      ).toBe(401);
      const { token: officerToken } = await services.sessions.create({
        kind: 'officer',
        id: 'gdcustoms/officer1',
        organisation: 'gdcustoms',
        mspId: 'GDCustomsMSP',
        name: 'officer1',
        role: 'customs-officer',
      });
      expect((await http('GET', '/metrics', { token: officerToken })).status).toBe(401);
      const scraped = await http('GET', '/metrics', { headers: TEST_METRICS_HEADERS });
      expect(scraped.status).toBe(200);
      expect(scraped.body).toContain('gateway_http_request_duration_seconds');
    });
  });
});
