/**
 * The boundary decision on the devnet, through the gateway: one sealed truck per reason,
 * set up in parallel (one devnet, one database), each decided by POST /v1/crossings under
 * a GD customs officer's identity and endorsed by both customs services' peers. Intact and
 * release-eligible gives GO; each fault gives INSPECT with exactly its reason (the random
 * selection aside: it is checked against the recorded draw); a replayed tap and bad input
 * are refused with coded errors and record nothing; the same request twice is one crossing.
 */
import { buildApp } from '@clearance/gateway';
import { createMemorySessionStore } from '@clearance/testkit/gateway';
import { Devnet } from '@clearance/network';
import type { FastifyInstance } from 'fastify';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { migrate } from '../../gateway/src/database/migrations';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fileGd, officerLedgers, sealedDevice, trustedPki } from '../support/devnet-fixtures';

const MINUTE = 60_000;
const pem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

interface Answer {
  crossing: {
    crossingId: string;
    decision: string;
    reasons: string[];
    draw: { selected: boolean };
  };
  transactionId: string;
  created: boolean;
}

describe('Crossing: GO or INSPECT at Lok Ma Chau, on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const run = randomUUID().slice(0, 8).toUpperCase();
  const { as, closeAll } = officerLedgers(devnet);
  let db: TestDatabase;
  let app: FastifyInstance;
  let officerToken = '';
  let operatorToken = '';

  /** One truck: a GD import (release-eligible unless `accepted only`), sealed, readings anchored. */
  async function truck(name: string, options: { released?: boolean; silent?: boolean } = {}) {
    const sealId = `SEAL-${run}-${name}`;
    const declarationId = `GD-${run}-${name}`;
    const tagUid = Buffer.concat([Buffer.from([0x04]), randomBytes(6)]).toString('hex');
    const pki = await pkiReady;
    await fileGd(as, pki, declarationId);
    const officer = as('gdcustoms/officer1');
    await officer.submit('Declaration:Accept', [declarationId, '']);
    if (options.released !== false) {
      await officer.submit('Declaration:AssessRisk', [declarationId, 'LOW', '5', '']);
      await officer.submit('Declaration:MarkReleaseEligible', [declarationId, '']);
    }
    await sealedDevice(as, {
      deviceId: `EL-${run}-${name}`,
      sealId,
      publicKeyPem: pem(),
      tagUid,
      declarationIds: [declarationId],
    });
    const last = Date.now() - (options.silent ? 20 * MINUTE : 0);
    await as('logistics/operator1').submit('Seal:AnchorReadings', [
      sealId,
      JSON.stringify({
        batchId: `b-${name}`,
        fromCounter: 1,
        toCounter: 60,
        count: 60,
        merkleRoot: 'ef'.repeat(32),
        firstTime: new Date(last - 5 * MINUTE).toISOString(),
        lastTime: new Date(last).toISOString(),
      }),
    ]);
    return { sealId, tagUid, declarationId };
  }
  let pkiReady: ReturnType<typeof trustedPki>;

  const tap = (t: { sealId: string; tagUid: string }, counter: number, controlPoint = 'LMC') =>
    as('hkcustoms/officer1').submit('Seal:RecordCheckpoint', [
      t.sealId,
      JSON.stringify({ controlPoint, tagUid: t.tagUid, counter }),
    ]);

  async function post(body: object, key = randomUUID(), token = officerToken) {
    // The GD peer may lag the HK officer's tap by a block: retry while the ledger says so.
    for (let attempt = 1; ; attempt++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/crossings',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
        payload: { controlPoint: 'LMC', direction: 'NORTHBOUND', ...body },
      });
      if (res.statusCode < 500 || attempt === 5) return res;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  const stateReasons = (a: Answer) => a.crossing.reasons.filter((r) => r !== 'RANDOM_SELECTION');

  const trucks: Record<string, Awaited<ReturnType<typeof truck>>> = {};

  beforeAll(async () => {
    await devnet.up();
    db = await createTestDatabase();
    await migrate(db.pool);
    pkiReady = trustedPki(as, run);
    await pkiReady;
    const made = await Promise.all([
      truck('GO'),
      truck('TAMPER'),
      truck('DEVIATE'),
      truck('SILENT', { silent: true }),
      truck('UNREL', { released: false }),
      truck('REPLAY'),
      truck('BAD'),
    ]);
    for (const t of made) trucks[t.sealId.split('-').at(-1) as string] = t;
    await as('logistics/operator1').submit('Seal:RecordAlarm', [
      trucks.TAMPER?.sealId as string,
      'TAMPER',
      'shackle cut',
    ]);
    await as('logistics/operator1').submit('Seal:RecordAlarm', [
      trucks.DEVIATE?.sealId as string,
      'ROUTE_DEVIATION',
      'off route near Sheung Shui',
    ]);
    for (const t of Object.values(trucks)) await tap(t, 1);
    const sessions = createMemorySessionStore();
    ({ token: officerToken } = await sessions.create({
      kind: 'officer',
      id: 'gdcustoms/officer1',
      organisation: 'gdcustoms',
      mspId: 'GDCustomsMSP',
      name: 'officer1',
      role: 'customs-officer',
    }));
    ({ token: operatorToken } = await sessions.create({
      kind: 'officer',
      id: 'logistics/operator1',
      organisation: 'logistics',
      mspId: 'LogisticsMSP',
      name: 'operator1',
      role: 'seal-operator',
    }));
    app = await buildApp({ ledger: as('gdcustoms/officer1'), sessions, database: db.pool });
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await closeAll();
    await db?.drop();
  }, 60_000);

  it('intact, freshly tapped, readings current, declaration release-eligible: GO', async () => {
    const res = await post({ sealId: trucks.GO?.sealId });
    expect(res.statusCode).toBe(201);
    const answer = res.json<Answer>();
    expect(stateReasons(answer)).toEqual([]);
    expect(answer.crossing.decision).toBe(answer.crossing.draw.selected ? 'INSPECT' : 'GO');
  }, 60_000);

  it.each([
    ['TAMPER', ['ALARM_TAMPER', 'DECLARATION_HELD']],
    ['DEVIATE', ['ALARM_ROUTE_DEVIATION', 'DECLARATION_HELD']],
    ['SILENT', ['READINGS_SILENT']],
    ['UNREL', ['DECLARATION_NOT_RELEASED']],
  ])(
    '%s: INSPECT with exactly %j',
    async (name, reasons) => {
      const res = await post({ sealId: trucks[name]?.sealId });
      expect(res.statusCode).toBe(201);
      const answer = res.json<Answer>();
      expect(answer.crossing.decision).toBe('INSPECT');
      expect(stateReasons(answer)).toEqual(reasons);
    },
    60_000,
  );

  it('a replayed tap is refused; the same request twice is one crossing', async () => {
    const t = trucks.REPLAY as Awaited<ReturnType<typeof truck>>;
    await expect(tap(t, 1)).rejects.toMatchObject({ code: 'REPLAYED' });
    const key = randomUUID();
    const first = await post({ sealId: t.sealId }, key);
    expect(first.statusCode).toBe(201);
    const again = await post({ sealId: t.sealId }, key);
    expect(again.statusCode).toBe(200);
    expect(again.json<Answer>()).toMatchObject({
      created: false,
      crossing: { crossingId: first.json<Answer>().crossing.crossingId },
    });
    // A new request on the same tap: the tap was used.
    const reuse = await post({ sealId: t.sealId });
    expect(reuse.statusCode).toBe(409);
    expect(reuse.json<{ error: { code: string } }>().error.code).toBe('REPLAYED');
    const list = await app.inject({
      method: 'GET',
      url: `/v1/crossings?controlPoint=LMC&since=${new Date(Date.now() - 10 * MINUTE).toISOString()}`,
      headers: { authorization: `Bearer ${officerToken}` },
    });
    expect(list.statusCode).toBe(200);
  }, 60_000);

  it('an unknown seal, a control point off the route, a caller without the role: coded, nothing recorded', async () => {
    const t = trucks.BAD as Awaited<ReturnType<typeof truck>>;
    const code = (res: { statusCode: number; json<T>(): T }) => [
      res.statusCode,
      res.json<{ error: { code: string } }>().error.code,
    ];
    expect(code(await post({ sealId: `SEAL-${run}-NONE` }))).toEqual([404, 'NOT_FOUND']);
    expect(code(await post({ sealId: t.sealId, controlPoint: 'SZBGD' }))).toEqual([
      400,
      'INVALID_ARGUMENT',
    ]);
    expect(code(await post({ sealId: t.sealId, controlPoint: 'QQQ' }))).toEqual([
      400,
      'INVALID_ARGUMENT',
    ]);
    expect(code(await post({ sealId: t.sealId }, randomUUID(), operatorToken))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    const noKey = await app.inject({
      method: 'POST',
      url: '/v1/crossings',
      headers: { authorization: `Bearer ${officerToken}` },
      payload: { sealId: t.sealId, controlPoint: 'LMC', direction: 'NORTHBOUND' },
    });
    expect(code(noKey)[1]).toBe('IDEMPOTENCY_KEY_REQUIRED');
    // None of them used the tap: the first proper request decides on it.
    const res = await post({ sealId: t.sealId });
    expect(res.statusCode).toBe(201);
    expect(stateReasons(res.json<Answer>())).toEqual([]);
  }, 60_000);
});
