/**
 * The gateway's API through HTTP on real PostgreSQL and Redis (BullMQ), with the contracts
 * running on the in-memory ledger twin, so it runs without Fabric: sign-in of officers and
 * traders, filing with Idempotency-Key, officer acts, object-level checks, the index and
 * the event stream resumed with Last-Event-ID.
 */
import {
  OFFICERS,
  authorityInput,
  createTestPki,
  sampleFiling,
  type TestIdentity,
  type TestPki,
  type TestSigner,
} from '@clearance/testkit/chaincode';
import { canonicalBytes } from '@clearance/core';
import { ApiError, type Ledger } from '@clearance/gateway';
import { sessionStoreBehaviour } from '@clearance/testkit/behaviour';
import { TEST_METRICS_HEADERS, until, type RegisteredRoute } from '@clearance/testkit/gateway';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as nodeHttp from 'node:http';
import * as net from 'node:net';
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
import { giveUp, retryDelayMs, type OperationQueue } from '../../gateway/src/operations/queue';
import { firstAttemptsInProcess } from '../../gateway/src/operations/first-attempt';
import { RetryLater, runOperation } from '../../gateway/src/operations/runner';

type Services = GatewayServices;
const PASSWORD = TEST_PASSWORD;

/** The devnet's accounts, each acting on the twin under an identity with its role. */
const ACCOUNTS: Record<string, TestIdentity> = {
  'gdcustoms/officer1': OFFICERS.gdCustoms,
  'gdcustoms/agent': OFFICERS.gdAgent,
  'gdciq/inspector1': OFFICERS.gdCiq,
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

/** A pending SelfCheck:Record operation of GD customs' officer, as the gateway records one. */
async function selfCheckOperation(
  store: GatewayServices['operations']['store'],
  checkId: string,
  note: string,
): Promise<string> {
  const { row } = await store.create({
    principalId: `${note}-test`,
    idempotencyKey: randomUUID(),
    requestSha256: 'x',
    kind: 'SELF_CHECK',
    accountId: 'gdcustoms/officer1',
    transaction: 'SelfCheck:Record',
    args: [checkId, note],
    transient: {},
  });
  return row.operation_id;
}

/** SSE blocks with an id, as the stream writes them. */
function parseEvents(text: string): { seq: number; name: string; data: Body }[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('id: '))
    .map((block) => {
      const [idLine, eventLine, dataLine] = block.split('\n');
      return {
        seq: Number(idLine!.slice(4)),
        name: eventLine!.slice(7),
        data: JSON.parse(dataLine!.slice(6)),
      };
    });
}

describe('gateway API on PostgreSQL and Redis', () => {
  const suite = twinGatewaySuite({
    accounts: ACCOUNTS,
    appIdentity: OFFICERS.gdCustoms,
    queuePrefix: 'test',
    authorities: ['gd', 'hk'],
    listen: true,
  });
  const { network } = suite;
  let db: TestDatabase;
  let services: Services;
  let registeredRoutes: readonly RegisteredRoute[];
  let base: string;
  let pki: TestPki;
  beforeAll(() => ({ db, services, routes: registeredRoutes, base, pki } = suite));

  const syncIndex = memoryIndexFeed(network.chain, () => db.pool);
  const { http, trader } = gatewayHttp(() => base);
  const signInSoon = (signer: TestSigner, status: number) =>
    gatewayHttp(() => base).signInSoon(signer, status, 50);

  const officer = async (account: string, password = PASSWORD) => {
    const [organisation, username] = account.split('/');
    return http('POST', '/v1/auth/officer', { body: { organisation, username, password } });
  };

  // The PostgreSQL session store against the suite its in-memory twin runs in unit tests.
  sessionStoreBehaviour(() => services.sessions);

  it('keeps the officer key sealed at rest and decrypts it only with the key encryption key', async () => {
    const { rows } = await db.pool.query<{ key_ciphertext: Buffer; password_hash: string }>(
      `SELECT key_ciphertext, password_hash FROM accounts WHERE account_id = 'gdcustoms/officer1'`,
    );
    expect(rows[0]!.key_ciphertext.toString('latin1')).not.toContain('key of');
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$/);
    await expect(services.accounts.identity('gdcustoms/officer1')).resolves.toMatchObject({
      privateKey: 'key of gdcustoms/officer1',
    });
  });

  it('signs officers in with the right password only', async () => {
    const ok = await officer('gdcustoms/officer1');
    expect(ok.status).toBe(200);
    expect(ok.body.principal).toMatchObject({
      kind: 'officer',
      mspId: 'GDCustomsMSP',
      role: 'customs-officer',
    });
    expect(ok.headers.get('set-cookie')).toMatch(/^session=.+HttpOnly; SameSite=Strict/);
    const me = await http('GET', '/v1/me', { token: ok.body.token });
    expect(me.body).toEqual(ok.body.principal);
    for (const [account, password] of [
      ['gdcustoms/officer1', 'wrong'],
      ['gdcustoms/nobody', PASSWORD],
      ['gdcustoms/agent', PASSWORD], // an account without a password cannot sign in
    ] as const) {
      const bad = await officer(account, password);
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('signs traders in by a signature over a fresh challenge, once per challenge', async () => {
    const ok = await trader(pki.signers.gdTrader);
    expect(ok.status).toBe(200);
    expect(ok.body.principal).toMatchObject({
      kind: 'trader',
      jurisdiction: 'GD',
      authorityId: pki.gd.authorityId,
    });

    const rogue = await trader(pki.signers.unrecognisedCa);
    expect(rogue.status).toBe(422);
    expect(rogue.body.error.code).toBe('CERTIFICATE_REJECTED');

    const { body } = await http('POST', '/v1/auth/challenge', { body: {} });
    const signature = Buffer.from(
      await pki.signers.gdTrader.sign(Buffer.from(body.challenge, 'base64')),
    ).toString('base64');
    const first = await http('POST', '/v1/auth/trader', {
      body: { challengeId: body.challengeId, signature },
    });
    expect(first.status).toBe(200);
    const replay = await http('POST', '/v1/auth/trader', {
      body: { challengeId: body.challengeId, signature },
    });
    expect(replay.status).toBe(401);

    const wrongContent = Buffer.from(
      await pki.signers.gdTrader.sign(Buffer.from('something else')),
    ).toString('base64');
    const fresh = await http('POST', '/v1/auth/challenge', { body: {} });
    const forged = await http('POST', '/v1/auth/trader', {
      body: { challengeId: fresh.body.challengeId, signature: wrongContent },
    });
    expect(forged.status).toBe(422);
    expect(forged.body.error.code).toBe('SIGNATURE_INVALID');
  });

  it('files once per Idempotency-Key, and refuses what is not the trader’s to file', async () => {
    const { body: session } = await trader(pki.signers.gdTrader);
    const id = `GD-API-${randomUUID().slice(0, 8)}`;
    const filing = await signedFiling(id, pki.signers.gdTrader);

    const noKey = await http('POST', '/v1/declarations', { token: session.token, body: filing });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');

    const key = randomUUID();
    const filed = await http('POST', '/v1/declarations', {
      token: session.token,
      body: filing,
      headers: { 'idempotency-key': key, prefer: 'wait=20' },
    });
    expect(filed.status).toBe(200);
    expect(filed.body.operation).toMatchObject({
      kind: 'FILE',
      state: 'succeeded',
      declarationId: id,
    });
    expect(filed.headers.get('location')).toBe(
      `/v1/operations/${filed.body.operation.operationId}`,
    );

    const retry = await http('POST', '/v1/declarations', {
      token: session.token,
      body: filing,
      headers: { 'idempotency-key': key },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.operation.operationId).toBe(filed.body.operation.operationId);
    const { rows } = await db.pool.query<{ transient: unknown }>(
      'SELECT transient FROM operations WHERE declaration_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    // The commercial values travelled as transient data; not kept once committed.
    expect(rows[0]!.transient).toEqual({});

    const reused = await http('POST', '/v1/declarations', {
      token: session.token,
      body: await signedFiling(`${id}-B`, pki.signers.gdTrader),
      headers: { 'idempotency-key': key },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Filed twice under new keys: the ledger refuses the second, the operation says so.
    const again = await http('POST', '/v1/declarations', {
      token: session.token,
      body: filing,
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    expect(again.body.operation).toMatchObject({
      state: 'failed',
      error: { code: 'ALREADY_EXISTS' },
    });

    // Signed by someone else: refused before anything is queued.
    const other = await http('POST', '/v1/declarations', {
      token: session.token,
      body: await signedFiling(`${id}-C`, pki.signers.hkTrader),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(other.status).toBe(403);

    const { body: gdOfficer } = await officer('gdcustoms/officer1');
    const byOfficer = await http('POST', '/v1/declarations', {
      token: gdOfficer.token,
      body: await signedFiling(`${id}-D`, pki.signers.gdTrader),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(byOfficer.status).toBe(403);

    const invalid = await http('POST', '/v1/declarations', {
      token: session.token,
      body: {
        ...filing,
        declaration: { ...filing.declaration, declarationId: 'no spaces allowed' },
      },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    const { rows: ops } = await db.pool.query(
      'SELECT 1 FROM operations WHERE declaration_id LIKE $1',
      [`${id}-%`],
    );
    expect(ops).toHaveLength(0);
  });

  it('runs the clearance acts under each officer’s identity, with object-level checks', async () => {
    const { body: owner } = await trader(pki.signers.gdTrader);
    const { body: stranger } = await trader(pki.signers.hkTrader);
    expect(stranger.token).toBeTruthy();
    const id = `GD-ACT-${randomUUID().slice(0, 8)}`;
    const filed = await http('POST', '/v1/declarations', {
      token: owner.token,
      body: await signedFiling(id, pki.signers.gdTrader),
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });

    expect(filed.body.operation.state).toBe('succeeded');
    const act = async (account: string, body: unknown) => {
      const { body: s } = await officer(account);
      return http('POST', `/v1/declarations/${id}/acts`, {
        token: s.token,
        body,
        headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
      });
    };
    // HK customs may not accept a GD declaration: refused at once, nothing queued.
    const wrongAgency = await act('hkcustoms/officer1', { action: 'ACCEPT' });
    expect(wrongAgency.status).toBe(403);
    const logistics = await act('logistics/operator1', { action: 'ACCEPT' });
    expect(logistics.status).toBe(403);
    const badBody = await act('gdcustoms/officer1', {
      action: 'ASSESS_RISK',
      level: 'EXTREME',
      score: 5,
    });
    expect(badBody.status).toBe(400);

    expect(
      (await act('gdcustoms/officer1', { action: 'ACCEPT', reason: 'complete' })).body.operation
        .state,
    ).toBe('succeeded');
    expect(
      (await act('gdcustoms/officer1', { action: 'ASSESS_RISK', level: 'HIGH', score: 80 })).body
        .operation.state,
    ).toBe('succeeded');
    expect(
      (await act('gdcustoms/officer1', { action: 'ORDER_INSPECTION' })).body.operation.state,
    ).toBe('succeeded');
    for (const account of ['gdcustoms/officer1', 'gdciq/inspector1'])
      expect(
        (
          await act(account, {
            action: 'RECORD_INSPECTION',
            result: 'COMPLIANT',
            findings: 'as declared',
          })
        ).body.operation.state,
      ).toBe('succeeded');
    for (const account of ['gdcustoms/officer1', 'gdciq/inspector1'])
      expect((await act(account, { action: 'RELEASE' })).body.operation.state).toBe('succeeded');

    // The ledger's record: released, each act under the officer's own identity.
    const record = await http('GET', `/v1/declarations/${id}`, { token: owner.token });
    expect(record.body).toMatchObject({ state: 'RELEASED', lastAct: { action: 'RELEASE' } });
    expect(Object.keys(record.body.releases).sort()).toEqual(['GDCIQMSP', 'GDCustomsMSP']);
    expect(record.body.releases.GDCIQMSP.actor.id).toBe(OFFICERS.gdCiq.id);
    const history = await http('GET', `/v1/declarations/${id}/history`, { token: owner.token });
    expect(history.body.map((h: { action: string }) => h.action)).toEqual([
      'FILE',
      'ACCEPT',
      'ASSESS_RISK',
      'ORDER_INSPECTION',
      'RECORD_INSPECTION',
      'RECORD_INSPECTION',
      'RELEASE',
      'RELEASE',
    ]);

    // Another trader sees nothing of it; neither its operation.
    {
      expect((await http('GET', `/v1/declarations/${id}`, { token: stranger.token })).status).toBe(
        404,
      );
      expect(
        (
          await http('GET', `/v1/operations/${filed.body.operation.operationId}`, {
            token: stranger.token,
          })
        ).status,
      ).toBe(404);
    }
    expect(
      (
        await http('GET', `/v1/operations/${filed.body.operation.operationId}`, {
          token: owner.token,
        })
      ).status,
    ).toBe(200);

    // The index: the owner lists it, the summary is there, a stranger's list does not have it.
    await syncIndex();
    const mine = await http('GET', `/v1/declarations?state=RELEASED&q=${id}`, {
      token: owner.token,
    });
    expect(mine.body.items.map((d: { declarationId: string }) => d.declarationId)).toEqual([id]);
    const summary = await http('GET', `/v1/declarations/${id}/summary`, { token: owner.token });
    expect(summary.body).toMatchObject({
      declarationId: id,
      state: 'RELEASED',
      lastAction: 'RELEASE',
    });
    {
      const theirs = await http('GET', `/v1/declarations?q=${id}`, { token: stranger.token });
      expect(theirs.body.items).toEqual([]);
      expect(
        (await http('GET', `/v1/declarations/${id}/summary`, { token: stranger.token })).status,
      ).toBe(404);
    }
  });

  it('amends only the trader’s own declaration, with a newly signed filing', async () => {
    const { body: owner } = await trader(pki.signers.gdTrader);
    const { body: stranger } = await trader(pki.signers.hkTrader);
    const id = `GD-AMD-${randomUUID().slice(0, 8)}`;
    await http('POST', '/v1/declarations', {
      token: owner.token,
      body: await signedFiling(id, pki.signers.gdTrader),
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    const filing = sampleFiling(id);
    filing.declaration.transport.tripId = 'TRIP-AMENDED';
    const amended = {
      ...filing,
      signature: Buffer.from(await pki.signers.gdTrader.sign(canonicalBytes(filing))).toString(
        'base64',
      ),
    };
    const byStranger = await http('POST', `/v1/declarations/${id}/amendments`, {
      token: stranger.token,
      body: amended,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(byStranger.status).toBe(404);
    const otherId = await http('POST', `/v1/declarations/${id}-X/amendments`, {
      token: owner.token,
      body: amended,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(otherId.status).toBe(404);
    const done = await http('POST', `/v1/declarations/${id}/amendments`, {
      token: owner.token,
      body: amended,
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    expect(done.body.operation).toMatchObject({ kind: 'AMEND', state: 'succeeded' });
    const record = await http('GET', `/v1/declarations/${id}`, { token: owner.token });
    expect(record.body).toMatchObject({ version: 2, state: 'SUBMITTED' });
    expect(record.body.declaration.transport.tripId).toBe('TRIP-AMENDED');
  });

  it('ends a session at sign-out: the token is refused afterwards', async () => {
    const { body } = await officer('gdciq/inspector1');
    expect((await http('GET', '/v1/me', { token: body.token })).status).toBe(200);
    const out = await http('POST', '/v1/auth/sign-out', { token: body.token });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^session=; .*Expires=Thu, 01 Jan 1970/);
    const after = await http('GET', '/v1/me', { token: body.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('pages lists with a cursor and refuses a forged one', async () => {
    const { body: owner } = await trader(pki.signers.gdTrader);
    const prefix = `GD-PAGE-${randomUUID().slice(0, 6)}`;
    for (const n of [1, 2, 3])
      await http('POST', '/v1/declarations', {
        token: owner.token,
        body: await signedFiling(`${prefix}-${n}`, pki.signers.gdTrader),
        headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
      });
    await syncIndex();
    const first = await http('GET', `/v1/declarations?q=${prefix}&limit=2`, { token: owner.token });
    expect(first.body.items).toHaveLength(2);
    const second = await http(
      'GET',
      `/v1/declarations?q=${prefix}&limit=2&cursor=${first.body.nextCursor}`,
      {
        token: owner.token,
      },
    );
    expect(second.body).toMatchObject({ nextCursor: null });
    const ids = [...first.body.items, ...second.body.items].map(
      (d: { declarationId: string }) => d.declarationId,
    );
    expect(ids.sort()).toEqual([1, 2, 3].map((n) => `${prefix}-${n}`));
    const forged = await http('GET', `/v1/declarations?cursor=bm90LWEtY3Vyc29y`, {
      token: owner.token,
    });
    expect(forged.status).toBe(400);
  });

  it('streams the events a trader may see, resuming after Last-Event-ID', async () => {
    const { body: owner } = await trader(pki.signers.gdTrader);
    const id = `GD-SSE-${randomUUID().slice(0, 8)}`;
    const read = (
      headers: Record<string, string>,
      until: (text: string) => boolean,
      token: string = owner.token,
    ) => readEvents(token, headers, until);
    const stream = read({ 'last-event-id': '0' }, (t) => t.includes(`"declarationId":"${id}"`));
    await http('POST', '/v1/declarations', {
      token: owner.token,
      body: await signedFiling(id, pki.signers.gdTrader),
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    await syncIndex();
    const events = parseEvents(await stream);
    const filed = events.find((e) => e.data.declarationId === id)!;
    expect(filed.name).toBe('DeclarationFiled');
    // Only events of the trader's own declarations.
    const { rows } = await db.pool.query<{ declaration_id: string }>(
      'SELECT declaration_id FROM declarations WHERE signer_id = $1',
      [owner.principal.id],
    );
    const own = new Set(rows.map((r) => r.declaration_id));
    expect(events.length).toBeGreaterThan(1);
    expect(events.filter((e) => !own.has(e.data.declarationId))).toEqual([]);
    // Resuming after the second-to-last event gives exactly what came after it.
    const before = events[events.length - 2];
    if (before) {
      const resumed = await read({ 'last-event-id': String(before.seq) }, (t) =>
        t.includes(`"declarationId":"${id}"`),
      );
      const firstId = /id: (\d+)/.exec(resumed)?.[1];
      expect(Number(firstId)).toBeGreaterThan(before.seq);
      expect(resumed).toContain(`"declarationId":"${id}"`);
    }

    // Another trader's stream from the start carries their own declaration, none of these.
    const { body: stranger } = await trader(pki.signers.hkTrader);
    const theirId = `HK-SSE-${randomUUID().slice(0, 8)}`;
    const filing = sampleFiling(theirId, 'HK');
    await http('POST', '/v1/declarations', {
      token: stranger.token,
      body: {
        ...filing,
        signature: Buffer.from(await pki.signers.hkTrader.sign(canonicalBytes(filing))).toString(
          'base64',
        ),
      },
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    await syncIndex();
    const theirs = parseEvents(
      await read(
        { 'last-event-id': '0' },
        (t) => t.includes(`"declarationId":"${theirId}"`),
        stranger.token,
      ),
    );
    expect(theirs.map((e) => e.data.declarationId)).toEqual([theirId]);
  });

  it('finishes operations interrupted after their envelope was stored, committing each once', async () => {
    const store = services.operations.store;
    const account = 'gdcustoms/officer1';
    const ledger = await services.ledgers(account);
    const interrupted = async (checkId: string) => {
      const { row } = await store.create({
        principalId: 'crash-test',
        idempotencyKey: randomUUID(),
        requestSha256: 'x',
        kind: 'SELF_CHECK',
        accountId: account,
        transaction: 'SelfCheck:Record',
        args: [checkId, 'crash'],
        transient: {},
      });
      const prepared = await ledger.prepare('SelfCheck:Record', [checkId, 'crash']);
      await store.recordPrepared(
        row.operation_id,
        prepared.transactionId,
        prepared.envelope,
        prepared.result,
      );
      return { id: row.operation_id, prepared };
    };
    const historyOf = async (checkId: string) =>
      network.chain.events.filter(
        (e) => e.name === 'SelfCheckRecorded' && e.payload.includes(checkId),
      );

    // Crashed before sending: the stored envelope is sent.
    const before = await interrupted(`crash-a-${randomUUID()}`);
    await runOperation(store, services.ledgers, before.id);
    expect(await store.get(before.id)).toMatchObject({
      state: 'succeeded',
      transaction_id: before.prepared.transactionId,
    });

    // Crashed after sending: the ledger already has it; nothing is sent twice.
    const checkB = `crash-b-${randomUUID()}`;
    const after = await interrupted(checkB);
    await ledger.send(after.prepared.envelope);
    await runOperation(store, services.ledgers, after.id);
    expect(await store.get(after.id)).toMatchObject({ state: 'succeeded' });
    expect(await historyOf(checkB)).toHaveLength(1);

    // The record changed meanwhile (MVCC): the envelope is dropped, the next attempt endorses
    // anew and gets the ledger's own answer.
    const checkC = `crash-c-${randomUUID()}`;
    const stale = await interrupted(checkC);
    await ledger.submit('SelfCheck:Record', [checkC, 'first']);
    await expect(runOperation(store, services.ledgers, stale.id)).rejects.toBeInstanceOf(
      RetryLater,
    );
    expect(await store.get(stale.id)).toMatchObject({ state: 'pending', envelope: null });
    await runOperation(store, services.ledgers, stale.id);
    expect(await store.get(stale.id)).toMatchObject({
      state: 'failed',
      error: { code: 'ALREADY_EXISTS' },
    });
    expect(await historyOf(checkC)).toHaveLength(1);
  });

  it('gives up after the last attempt only on an operation with no envelope stored', async () => {
    const store = services.operations.store;
    const account = 'gdcustoms/officer1';
    const ledger = await services.ledgers(account);
    const reason = new RetryLater({ code: 'LEDGER_UNAVAILABLE', message: 'no orderer' });

    const unsent = await selfCheckOperation(store, `give-up-a-${randomUUID()}`, 'give-up');
    await giveUp(store, unsent, reason);
    expect(await store.get(unsent)).toMatchObject({
      state: 'failed',
      error: { code: 'LEDGER_UNAVAILABLE' },
    });

    // Its envelope may still commit: it stays pending, and the next attempt sends it.
    const checkB = `give-up-b-${randomUUID()}`;
    const sent = await selfCheckOperation(store, checkB, 'give-up');
    const prepared = await ledger.prepare('SelfCheck:Record', [checkB, 'give-up']);
    await store.recordPrepared(sent, prepared.transactionId, prepared.envelope, prepared.result);
    expect(await giveUp(store, sent, reason)).toBeUndefined();
    expect(await store.get(sent)).toMatchObject({
      state: 'pending',
      transaction_id: prepared.transactionId,
      error: null,
    });
    await runOperation(store, services.ledgers, sent);
    expect(await store.get(sent)).toMatchObject({
      state: 'succeeded',
      transaction_id: prepared.transactionId,
    });
  });

  it('runs a first attempt in process without the queue; a failed one or one past the limit goes to the queue', async () => {
    const store = services.operations.store;
    const queued: { id: string; delayMs: number | undefined }[] = [];
    const queue: OperationQueue = {
      enqueue: async (id, options) => void queued.push({ id, delayMs: options?.delayMs }),
      depth: async () => queued.length,
      ping: async () => undefined,
      close: async () => undefined,
    };
    const ledger = await services.ledgers('gdcustoms/officer1');
    let refuseNext = false;
    const ledgers = async () => ({
      ...ledger,
      prepare: (...args: Parameters<typeof ledger.prepare>) => {
        if (!refuseNext) return ledger.prepare(...args);
        refuseNext = false;
        return Promise.reject(new ApiError('LEDGER_UNAVAILABLE', 'no peer answered'));
      },
    });
    const created = async (checkId: string) => {
      const id = await selfCheckOperation(store, checkId, 'first');
      return (await store.get(id))!;
    };
    const ended = async (id: string) =>
      until(`operation ${id} ended`, 10_000, async () => {
        const row = await store.get(id);
        return row?.state !== 'pending' ? row : undefined;
      });

    const first = firstAttemptsInProcess({ store, ledgers, queue, limit: 1 });
    const ok = await created(`first-ok-${randomUUID()}`);
    await first.enqueue(ok.operation_id, { row: ok });
    expect(await ended(ok.operation_id)).toMatchObject({ state: 'succeeded' });
    expect(queued).toEqual([]);

    // Refused by time (no peer answered): the queue retries it after the first pause.
    refuseNext = true;
    const flaky = await created(`first-flaky-${randomUUID()}`);
    await first.enqueue(flaky.operation_id, { row: flaky });
    await until('the failed first attempt queued', 10_000, async () => queued.length === 1);
    expect(queued).toEqual([{ id: flaky.operation_id, delayMs: retryDelayMs(1) }]);
    expect(await store.get(flaky.operation_id)).toMatchObject({ state: 'pending' });

    // One attempt under way fills a limit of one: the next operation waits in the queue.
    const slow = await created(`first-slow-${randomUUID()}`);
    const overflow = await created(`first-overflow-${randomUUID()}`);
    await first.enqueue(slow.operation_id, { row: slow });
    await first.enqueue(overflow.operation_id, { row: overflow });
    expect(queued.map((q) => q.id)).toEqual([flaky.operation_id, overflow.operation_id]);
    expect(await ended(slow.operation_id)).toMatchObject({ state: 'succeeded' });
    expect(await store.get(overflow.operation_id)).toMatchObject({ state: 'pending' });
    await first.close();
  });

  it('records outcomes that come in one turn together, each on its own operation and transaction only', async () => {
    const store = services.operations.store;
    const ledger = await services.ledgers('gdcustoms/officer1');
    const ops = await Promise.all(
      [0, 1, 2].map(async () => {
        const checkId = `batch-${randomUUID()}`;
        const id = await selfCheckOperation(store, checkId, 'batch');
        const prepared = await ledger.prepare('SelfCheck:Record', [checkId, 'batch']);
        await store.recordPrepared(id, prepared.transactionId, prepared.envelope, prepared.result);
        return { id, tx: prepared.transactionId };
      }),
    );
    const [a, b, c] = ops as [(typeof ops)[0], (typeof ops)[0], (typeof ops)[0]];
    // In one turn: a twice (its second outcome is no news), b, and c under a transaction it
    // does not hold (nothing recorded).
    const outcomes = await Promise.all([
      store.succeed(a.id, a.tx, 7n),
      store.succeed(a.id, a.tx, 7n),
      store.succeed(b.id, b.tx, 7n),
      store.succeed(c.id, 'not-its-transaction', 7n),
    ]);
    expect(outcomes.map((row) => row?.operation_id)).toEqual([a.id, undefined, b.id, undefined]);
    expect(outcomes[0]).toMatchObject({ state: 'succeeded', block_number: '7', transient: {} });
    expect(await store.get(c.id)).toMatchObject({ state: 'pending', transaction_id: c.tx });
    expect(await store.succeed(c.id, c.tx, 8n)).toMatchObject({ state: 'succeeded' });
  });

  it('lets two attempts at one operation overlap without a second transaction or a wrong outcome', async () => {
    // Two gateways (or a lapsed BullMQ lock) running one operation at once.
    const store = services.operations.store;
    const account = 'gdcustoms/officer1';
    const ledger = await services.ledgers(account);
    const opened = (): { promise: Promise<void>; open(): void } => {
      let open!: () => void;
      return { promise: new Promise<void>((r) => (open = r)), open };
    };
    /** The ledger, with some of its calls held at points of the test's choosing. */
    const holding = (held: Partial<Pick<Ledger, 'prepare' | 'send'>>): Ledger => ({
      submit: (...args) => ledger.submit(...args),
      prepare: held.prepare ?? ((...args) => ledger.prepare(...args)),
      send: held.send ?? ((envelope) => ledger.send(envelope)),
      status: (id) => ledger.status(id),
      evaluate: (...args) => ledger.evaluate(...args),
      channelHeight: () => ledger.channelHeight(),
      close: async () => undefined,
    });
    const recorded = async (checkId: string) =>
      network.chain.events.filter(
        (e) => e.name === 'SelfCheckRecorded' && e.payload.includes(checkId),
      );

    // Both endorse before either stores its envelope: the first stored is the one sent.
    const checkA = `overlap-a-${randomUUID()}`;
    const first = await selfCheckOperation(store, checkA, 'overlap');
    const bothEndorsed = opened();
    let endorsed = 0;
    const endorseTogether = holding({
      prepare: async (...args) => {
        const prepared = await ledger.prepare(...args);
        if (++endorsed === 2) bothEndorsed.open();
        await bothEndorsed.promise;
        return prepared;
      },
    });
    const outcomes = await Promise.allSettled([
      runOperation(store, async () => endorseTogether, first),
      runOperation(store, async () => endorseTogether, first),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const overtaken = outcomes.find((o) => o.status === 'rejected');
    expect(overtaken?.reason).toBeInstanceOf(RetryLater);
    expect((overtaken?.reason as RetryLater).reason.code).toBe('OVERTAKEN');
    expect(await store.get(first)).toMatchObject({ state: 'succeeded' });
    expect(await recorded(checkA)).toHaveLength(1);

    // One attempt read the operation before the other stored and committed its envelope,
    // then endorsed on the state that commit made and was refused (ALREADY_EXISTS): the
    // refusal is not the operation's outcome, the commit is.
    const checkB = `overlap-b-${randomUUID()}`;
    const second = await selfCheckOperation(store, checkB, 'overlap');
    const lateHasRead = opened();
    const earlyCommitted = opened();
    const lateDone = opened();
    const early = holding({
      send: async (envelope) => {
        const status = await ledger.send(envelope);
        earlyCommitted.open();
        await lateDone.promise;
        return status;
      },
    });
    const late = holding({
      prepare: async (...args) => {
        await earlyCommitted.promise;
        return ledger.prepare(...args);
      },
    });
    const running = [
      runOperation(
        store,
        async () => {
          await lateHasRead.promise;
          return early;
        },
        second,
      ),
      runOperation(
        store,
        async () => {
          lateHasRead.open();
          return late;
        },
        second,
      ).finally(() => lateDone.open()),
    ];
    const [earlyOutcome, lateOutcome] = await Promise.allSettled(running);
    expect(earlyOutcome?.status).toBe('fulfilled');
    expect(lateOutcome).toMatchObject({
      status: 'rejected',
      reason: { reason: { code: 'OVERTAKEN' } },
    });
    expect(await store.get(second)).toMatchObject({ state: 'succeeded', error: null });
    expect(await recorded(checkB)).toHaveLength(1);
  });

  it('lets trust administrators change the trust list, and a withdrawn authority no longer signs anyone in', async () => {
    const other = await createTestPki({ idSuffix: `W${randomUUID().slice(0, 5).toUpperCase()}` });
    const { body: admin } = await officer('gdcustoms/trust-admin');
    // (A session made directly: the suite's sign-ins stay within the per-address limit.)
    const hkAdmin = await services.sessions.create({
      kind: 'officer',
      id: 'hkcustoms/trust-admin',
      organisation: 'hkcustoms',
      mspId: 'HKCustomsMSP',
      name: 'trust-admin',
      role: 'trust-admin',
    });
    const { body: customs } = await officer('gdcustoms/officer1');
    const change = {
      change: 'ADD',
      authority: JSON.parse(authorityInput(other.gd)) as Record<string, unknown>,
      reason: 'new CA',
    };
    const refused = await http('POST', '/v1/trust-list/proposals', {
      token: customs.token,
      body: change,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(refused.status).toBe(403);
    const decide = async (token: string, proposal: { proposalId: string }) =>
      http('POST', `/v1/trust-list/proposals/${proposal.proposalId}/approval`, {
        token,
        body: { reason: 'agreed' },
        headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
      });
    const proposed = await http('POST', '/v1/trust-list/proposals', {
      token: admin.token,
      body: change,
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    expect(proposed.body.operation).toMatchObject({
      kind: 'PROPOSE_TRUST_CHANGE',
      state: 'succeeded',
      result: { status: 'PENDING' },
    });
    const added = await decide(hkAdmin.token, proposed.body.operation.result);
    expect(added.body.operation).toMatchObject({
      kind: 'APPROVE_TRUST_CHANGE',
      state: 'succeeded',
    });
    // The gateway's cached trust list is dropped when the index sees the change.
    await syncIndex();
    expect((await signInSoon(other.signers.gdTrader, 200)).status).toBe(200);

    const { body: list } = await http('GET', '/v1/trust-list', { token: customs.token });
    expect(list.items.map((a: { authorityId: string }) => a.authorityId)).toContain(
      other.gd.authorityId,
    );

    const proposedWithdrawal = await http('POST', '/v1/trust-list/proposals', {
      token: hkAdmin.token,
      body: { change: 'WITHDRAW', authorityId: other.gd.authorityId, reason: 'test over' },
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    const withdrawn = await decide(admin.token, proposedWithdrawal.body.operation.result);
    expect(withdrawn.body.operation.state).toBe('succeeded');
    await syncIndex();
    const after = await signInSoon(other.signers.gdTrader, 422);
    expect(after.status).toBe(422);
    expect(after.body.error.code).toBe('CERTIFICATE_REJECTED');
  });

  it('reports readiness of ledger, PostgreSQL and Redis, and serves metrics and the OpenAPI document', async () => {
    const ready = await http('GET', '/readyz');
    expect(ready.body).toMatchObject({
      status: 'ready',
      postgres: { status: 'ok' },
      redis: { status: 'ok' },
    });
    const metrics = await fetch(`${base}/metrics`, { headers: TEST_METRICS_HEADERS }).then((r) =>
      r.text(),
    );
    expect(metrics).toContain('gateway_http_request_duration_seconds_bucket');
    expect(metrics).toMatch(/gateway_operations_queue_depth \d+/);
    const spec = await http('GET', '/docs/json');
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/declarations',
        '/v1/declarations/{declarationId}/acts',
        '/v1/auth/trader',
      ]),
    );
  });

  /** The event stream as `token` sees it, read until `until` holds of what came. */
  const readEvents = async (
    token: string,
    headers: Record<string, string>,
    until: (text: string) => boolean,
  ) => {
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/events`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!until(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    controller.abort();
    return text;
  };

  /** One session per officer account for the tests below (sign-in is rate limited per address). */
  const sessionTokens = new Map<string, string>();
  const officerToken = async (account: string): Promise<string> => {
    const known = sessionTokens.get(account);
    if (known) return known;
    const res = await officer(account);
    expect(res.status).toBe(200);
    sessionTokens.set(account, res.body.token);
    return res.body.token;
  };
  /** A session made in the store, for tests about what an account may do, not about sign-in. */
  const sessionOf = async (account: string): Promise<string> => {
    const identity = ACCOUNTS[account] as TestIdentity;
    const [organisation, name] = account.split('/') as [string, string];
    const { token } = await services.sessions.create({
      kind: 'officer',
      id: account,
      organisation,
      mspId: identity.mspId,
      name,
      role: identity.attributes?.role ?? '',
      ...(identity.attributes?.controlPoint
        ? { controlPoint: identity.attributes.controlPoint }
        : {}),
    });
    return token;
  };

  /** Likewise one session per trader, for the tests below that need no fresh sign-in. */
  const traderSessions = new Map<TestSigner, { token: string }>();
  const traderSession = async (signer: TestSigner): Promise<{ token: string }> => {
    const known = traderSessions.get(signer);
    if (known) return known;
    const res = await trader(signer);
    expect(res.status).toBe(200);
    traderSessions.set(signer, res.body);
    return res.body;
  };

  /** One request as written (absolute-form targets, source addresses), with its status and body. */
  const rawRequest = (
    method: string,
    target: string,
    options: { headers?: Record<string, string>; body?: string; localAddress?: string } = {},
  ) =>
    new Promise<{ status: number; body: Body }>((resolve, reject) => {
      const { port } = new URL(base);
      const req = nodeHttp.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: target,
          headers: options.headers,
          localAddress: options.localAddress,
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: text ? (JSON.parse(text) as Body) : undefined,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });

  /** A path spelt the ways a router may decode to the same route. */
  const spellings = (path: string): string[] => {
    const { port } = new URL(base);
    const last = path.lastIndexOf('/') + 1;
    const hex = path.charCodeAt(last).toString(16);
    return [
      path,
      `/%76${path.slice(2)}`, // /%761/...: "v" escaped
      `/%76%31${path.slice(3)}`,
      `${path.slice(0, last)}%${hex}${path.slice(last + 1)}`, // a later letter escaped
      `http://127.0.0.1:${port}${path}`, // absolute-form
      `http://elsewhere.example/%76${path.slice(2)}`,
    ];
  };

  it('refuses anonymous requests to every route not declared public, however the path is spelt', async () => {
    const routes = registeredRoutes;
    const api = routes.filter((r) => r.url.startsWith('/v1/'));
    // The only /v1 routes that answer without a session.
    expect(
      api
        .filter((r) => r.public)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([
      'POST /v1/auth/challenge',
      'POST /v1/auth/officer',
      'POST /v1/auth/trader',
      'POST /v1/seals/readings',
    ]);
    let tried = 0;
    for (const route of api.filter((r) => !r.public)) {
      const path = route.url.replace(/:[A-Za-z]+/g, 'GD-WALK-1');
      for (const target of spellings(path)) {
        const res = await rawRequest(route.method, target, {
          headers: { 'content-type': 'application/json' },
          ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { body: '{}' }),
        });
        tried++;
        expect({ route: `${route.method} ${route.url}`, target, status: res.status }).toEqual({
          route: `${route.method} ${route.url}`,
          target,
          status: 401,
        });
        if (route.method !== 'HEAD') expect(res.body.error.code).toBe('UNAUTHENTICATED');
      }
    }
    // The route count and spellings tried, for the record.
    console.log(`route walk: ${api.length} /v1 routes, ${tried} anonymous requests refused`);
    expect(tried).toBeGreaterThan(100);
    // Unknown paths end in the not-found handler, never in a handler.
    for (const target of ['/%761/nothing', '/v1/declarations/x/nothing', 'http://x/v1/nope']) {
      const res = await rawRequest('GET', target);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('keeps object-level checks whatever the spelling: other traders 404, seal operators 403', async () => {
    const owner = await traderSession(pki.signers.gdTrader);
    const id = `GD-SPELL-${randomUUID().slice(0, 8)}`;
    const filed = await http('POST', '/v1/declarations', {
      token: owner.token,
      body: await signedFiling(id, pki.signers.gdTrader),
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    expect(filed.body.operation.state).toBe('succeeded');
    const stranger = await traderSession(pki.signers.hkTrader);
    const operator = { token: await officerToken('logistics/operator1') };
    for (const target of [
      `/%761/declarations/${id}`,
      `/v1/declarations/%${'G'.charCodeAt(0).toString(16)}${id.slice(1)}`,
    ]) {
      const res = await rawRequest('GET', target, {
        headers: { authorization: `Bearer ${stranger.token}` },
      });
      expect(res.status).toBe(404);
      const mine = await rawRequest('GET', target, {
        headers: { authorization: `Bearer ${owner.token}` },
      });
      expect(mine.status).toBe(200);
      expect(mine.body.declarationId).toBe(id);
    }
    const list = await rawRequest('GET', '/%761/declarations', {
      headers: { authorization: `Bearer ${operator.token}` },
    });
    expect(list.status).toBe(403);
    const me = await rawRequest('GET', '/%761/me');
    expect(me.status).toBe(401);
    // Self-checks are recorded under customs' identity: officers only.
    const check = await http('POST', '/v1/self-checks', { token: owner.token, body: {} });
    expect(check.status).toBe(403);
    expect(check.body.error.code).toBe('FORBIDDEN');
  });

  it('shows a trader the crossings over their own declarations; another trader gets 404; the lane device decides', async () => {
    const owner = await traderSession(pki.signers.gdTrader);
    const run = randomUUID().slice(0, 8).toUpperCase();
    const id = `GD-XING-${run}`;
    const filed = await http('POST', '/v1/declarations', {
      token: owner.token,
      body: await signedFiling(id, pki.signers.gdTrader),
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    expect(filed.body.operation.state).toBe('succeeded');
    const gd = network.as(OFFICERS.gdCustoms);
    await gd.submit('Declaration:Accept', [id, '']);
    await gd.submit('Declaration:AssessRisk', [id, 'LOW', '5', '']);
    await gd.submit('Declaration:MarkReleaseEligible', [id, '']);
    const sealId = `SEAL-XING-${run}`;
    const tagUid = `04${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await sealedDevice((who) => network.as(ACCOUNTS[who] as TestIdentity), {
      deviceId: `EL-XING-${run}`,
      sealId,
      publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      tagUid,
      declarationIds: [id],
    });
    await network
      .as(OFFICERS.hkCustoms)
      .submit('Seal:RecordCheckpoint', [
        sealId,
        JSON.stringify({ controlPoint: 'LMC', tagUid, counter: 1 }),
      ]);
    const ask = async (account: string) =>
      http('POST', '/v1/crossings', {
        token: await sessionOf(account),
        body: { sealId, controlPoint: 'LMC', direction: 'NORTHBOUND' },
        headers: { 'idempotency-key': randomUUID() },
      });
    const refused = await ask('logistics/operator1');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const decided = await ask('hkcustoms/lane-lmc');
    expect(decided.status).toBe(201);
    const crossingId: string = decided.body.crossing.crossingId;
    expect(decided.body.crossing.decided.actor).toMatchObject({ role: 'lane-device' });
    await syncIndex();

    const mine = await http('GET', `/v1/crossings?declarationId=${id}`, { token: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        crossingId,
        sealId,
        controlPoint: 'LMC',
        decision: decided.body.crossing.decision,
        declarationIds: [id],
      }),
    ]);
    const record = await http('GET', `/v1/crossings/${crossingId}`, { token: owner.token });
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({
      crossingId,
      sealId,
      controlPoint: 'LMC',
      direction: 'NORTHBOUND',
      decision: decided.body.crossing.decision,
      reasons: decided.body.crossing.reasons,
      declarations: [expect.objectContaining({ declarationId: id, state: 'RELEASE_ELIGIBLE' })],
      decided: { txId: decided.body.transactionId, actor: { role: 'lane-device' } },
    });

    const stranger = await traderSession(pki.signers.hkTrader);
    const theirs = await http('GET', `/v1/crossings?declarationId=${id}`, {
      token: stranger.token,
    });
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const one = await http('GET', `/v1/crossings/${crossingId}`, { token: stranger.token });
    expect([one.status, one.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const atLane = await http('GET', '/v1/crossings?controlPoint=LMC', { token: stranger.token });
    expect(atLane.status).toBe(200);
    expect(atLane.body.items.map((c: Body) => c.crossingId)).not.toContain(crossingId);
    // Officers see every crossing at the lane.
    const lane = await http('GET', '/v1/crossings?controlPoint=LMC', {
      token: await sessionOf('hkcustoms/officer1'),
    });
    expect(lane.body.items.map((c: Body) => c.crossingId)).toContain(crossingId);
    // A time PostgreSQL cannot hold, and a cursor this API never gave: 400, not a failure.
    for (const query of ['since=0000-01-01T00:00:00Z', 'cursor=bm9wZQ']) {
      const bad = await http('GET', `/v1/crossings?${query}`, { token: owner.token });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('keeps each trader to their own declarations in a shared crossing, operators out, and a lane device to its lane', async () => {
    const run = randomUUID().slice(0, 8).toUpperCase();
    const gdTrader = await traderSession(pki.signers.gdTrader);
    const hkTrader = await traderSession(pki.signers.hkTrader);
    const gdId = `GD-SHARE-${run}`;
    const hkId = `HK-SHARE-${run}`;
    for (const [token, body] of [
      [gdTrader.token, await signedFiling(gdId, pki.signers.gdTrader)],
      [hkTrader.token, await signedFiling(hkId, pki.signers.hkTrader, 'HK')],
    ] as const) {
      const filed = await http('POST', '/v1/declarations', {
        token,
        body,
        headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
      });
      expect(filed.body.operation.state).toBe('succeeded');
    }
    const sealId = `SEAL-SHARE-${run}`;
    const tagUid = `04${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await sealedDevice((who) => network.as(ACCOUNTS[who] as TestIdentity), {
      deviceId: `EL-SHARE-${run}`,
      sealId,
      publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      tagUid,
      declarationIds: [gdId, hkId],
    });
    const hk = network.as(OFFICERS.hkCustoms);
    // One crossing at Lok Ma Chau, one at Huanggang (the lane device's is LMC); each tapped
    // by an officer of its own side.
    const crossings: Record<string, string> = {};
    for (const [counter, controlPoint] of [
      [1, 'LMC'],
      [2, 'HGG'],
    ] as const) {
      await network
        .as(controlPoint === 'LMC' ? OFFICERS.hkCustoms : OFFICERS.gdCustoms)
        .submit('Seal:RecordCheckpoint', [
          sealId,
          JSON.stringify({ controlPoint, tagUid, counter }),
        ]);
      const decided = await http('POST', '/v1/crossings', {
        token: await sessionOf('hkcustoms/officer1'),
        body: { sealId, controlPoint, direction: 'NORTHBOUND' },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(decided.status).toBe(201);
      crossings[controlPoint] = decided.body.crossing.crossingId;
    }
    await syncIndex();
    const lmc = crossings.LMC as string;
    const hgg = crossings.HGG as string;

    // Each trader sees the crossing with their own declaration only, in the list and by id.
    for (const [who, own] of [
      [gdTrader, gdId],
      [hkTrader, hkId],
    ] as const) {
      const list = await http('GET', `/v1/crossings?declarationId=${own}`, { token: who.token });
      expect(list.body.items.map((c: Body) => [c.crossingId, c.declarationIds])).toEqual(
        expect.arrayContaining([
          [lmc, [own]],
          [hgg, [own]],
        ]),
      );
      expect(list.body.items).toHaveLength(2);
      const one = await http('GET', `/v1/crossings/${lmc}`, { token: who.token });
      expect(one.body.declarations.map((d: Body) => d.declarationId)).toEqual([own]);
    }
    // Officers see both.
    const full = await http('GET', `/v1/crossings/${lmc}`, {
      token: await sessionOf('hkcustoms/officer1'),
    });
    expect(full.body.declarations.map((d: Body) => d.declarationId)).toEqual([gdId, hkId]);
    // The inspection holds both; each trader reads of the holds their own declaration's only.
    const held = await http('POST', `/v1/crossings/${lmc}/outcome`, {
      token: await sessionOf('hkcustoms/officer1'),
      body: { outcome: 'HOLD', reason: 'goods do not match' },
    });
    expect(held.body.crossing.inspection.outcome.heldDeclarations).toEqual([gdId, hkId]);
    for (const [who, own] of [
      [gdTrader, gdId],
      [hkTrader, hkId],
    ] as const) {
      const one = await http('GET', `/v1/crossings/${lmc}`, { token: who.token });
      expect(one.body.inspection.outcome.heldDeclarations).toEqual([own]);
    }

    // Seal operators read no declarations, so no crossings either.
    const operator = await sessionOf('logistics/operator1');
    for (const path of ['/v1/crossings?controlPoint=LMC', `/v1/crossings/${lmc}`]) {
      const res = await http('GET', path, { token: operator });
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'FORBIDDEN']);
    }

    // The lane device reads its own control point's crossings, nothing else of the ledger.
    const lane = await sessionOf('hkcustoms/lane-lmc');
    const own = await http('GET', '/v1/crossings', { token: lane });
    expect(own.status).toBe(200);
    const ids = own.body.items.map((c: Body) => c.crossingId);
    expect(ids).toContain(lmc);
    expect(ids).not.toContain(hgg);
    expect(own.body.items.every((c: Body) => c.controlPoint === 'LMC')).toBe(true);
    expect((await http('GET', `/v1/crossings/${lmc}`, { token: lane })).status).toBe(200);
    const elsewhere = await http('GET', `/v1/crossings/${hgg}`, { token: lane });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([404, 'NOT_FOUND']);
    for (const [method, path] of [
      ['GET', '/v1/crossings?controlPoint=HGG'],
      ['GET', '/v1/declarations'],
      ['GET', `/v1/declarations/${gdId}`],
      ['POST', '/v1/self-checks'],
      ['POST', `/v1/crossings/${lmc}/outcome`],
    ] as const) {
      const res = await http(method, path, {
        token: lane,
        ...(method === 'POST' ? { body: {} } : {}),
      });
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
    // Its lane view opens the seal's track.
    expect((await http('GET', `/v1/seals/${sealId}/track`, { token: lane })).status).toBe(200);
    // Its event stream: decisions, outcomes and taps at its control point only.
    await hk.submit('Seal:RecordCheckpoint', [
      sealId,
      JSON.stringify({ controlPoint: 'LMC', tagUid, counter: 3 }),
    ]);
    await syncIndex();
    const seen = parseEvents(
      await readEvents(lane, { 'last-event-id': '0' }, (t) => t.includes(`"counter":3`)),
    );
    expect(seen.map((e) => e.data.crossingId)).toContain(lmc);
    expect(seen.map((e) => e.data.crossingId)).not.toContain(hgg);
    expect(
      seen.filter(
        (e) =>
          e.data.controlPoint !== 'LMC' ||
          !['CrossingDecided', 'CrossingInspectionRecorded', 'CheckpointVerified'].includes(e.name),
      ),
    ).toEqual([]);
  });

  it('refuses text PostgreSQL cannot hold (U+0000, lone surrogates) with 400 before anything is written', async () => {
    const gd = { token: await officerToken('gdcustoms/officer1') };
    const height = network.chain.events.length;
    const note = await http('POST', '/v1/self-checks', {
      token: gd.token,
      body: { note: 'before\u0000after' },
    });
    expect(note.status).toBe(400);
    expect(note.body.error.code).toBe('VALIDATION_FAILED');
    // A lone surrogate, sent as JSON escapes (fetch would replace it with U+FFFD).
    const surrogate = await rawRequest('POST', '/v1/self-checks', {
      headers: { authorization: `Bearer ${gd.token}`, 'content-type': 'application/json' },
      body: '{"note":"\\ud800"}',
    });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.error.code).toBe('VALIDATION_FAILED');
    const query = await http('GET', '/v1/declarations?q=%00', { token: gd.token });
    expect(query.status).toBe(400);
    expect(query.body.error.code).toBe('VALIDATION_FAILED');
    const hold = await http('POST', '/v1/declarations/GD-ANY-1/acts', {
      token: gd.token,
      body: { action: 'HOLD', reason: 'nul \u0000 here' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(hold.status).toBe(400);
    expect(hold.body.error.code).toBe('VALIDATION_FAILED');
    expect(network.chain.events.length).toBe(height);
    // The chaincode applies the same rule to its arguments.
    await expect(
      network.as(OFFICERS.gdCustoms).submit('SelfCheck:Record', ['nul-check', 'a\u0000b']),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('records an event the index cannot project as poison and goes on indexing later events', async () => {
    const { body: owner } = await trader(pki.signers.gdTrader);
    await syncIndex();
    // A raw ledger write the contracts would refuse: a declaration event with U+0000.
    const poisonTx = `poison-${randomUUID()}`;
    network.chain.events.push({
      txId: poisonTx,
      name: 'DeclarationFiled',
      payload: JSON.stringify({
        declarationId: 'GD-POISON-1',
        version: 1,
        state: 'FILED',
        onHold: false,
        jurisdiction: 'GD',
        consignmentRef: 'POISON1',
        action: 'FILE',
        actor: { mspId: 'GDCustomsMSP' },
        at: new Date().toISOString(),
        note: 'nul \u0000',
      }),
    });
    const id = `GD-AFTER-${randomUUID().slice(0, 8)}`;
    const filed = await http('POST', '/v1/declarations', {
      token: owner.token,
      body: await signedFiling(id, pki.signers.gdTrader),
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    expect(filed.body.operation.state).toBe('succeeded');
    await syncIndex(); // the poison event and the filing in one batch
    const listed = await http('GET', `/v1/declarations?q=${id}`, { token: owner.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((d: Body) => d.declarationId)).toEqual([id]);
    const { rows } = await db.pool.query<{ tx_id: string; error: string; block_number: string }>(
      'SELECT tx_id, error, block_number::text FROM poison_events',
    );
    expect(rows.map((r) => r.tx_id)).toEqual([poisonTx]);
    expect(rows[0]!.error).toContain('22P05');
    // A later event is indexed too (the checkpoint moved past the poison).
    const later = `GD-LATER-${randomUUID().slice(0, 8)}`;
    await http('POST', '/v1/declarations', {
      token: owner.token,
      body: await signedFiling(later, pki.signers.gdTrader),
      headers: { 'idempotency-key': randomUUID(), prefer: 'wait=20' },
    });
    await syncIndex();
    const summary = await http('GET', `/v1/declarations/${later}/summary`, { token: owner.token });
    expect(summary.status).toBe(200);
    const ready = await http('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.index.status).toBe('degraded');
    const metrics = await fetch(`${base}/metrics`, { headers: TEST_METRICS_HEADERS }).then((r) =>
      r.text(),
    );
    expect(metrics).toMatch(/gateway_index_poison_events 1\b/);
  });

  it('refuses a Last-Event-ID that is not a stream position with 400; a valid one resumes exactly', async () => {
    const gd = { token: await officerToken('gdcustoms/officer1') };
    for (const bad of ['9223372036854775808', '99999999999999999999', 'abc', '-1', '1e3']) {
      const res = await http('GET', '/v1/events', {
        token: gd.token,
        headers: { 'last-event-id': bad },
      });
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const after = await http('GET', '/v1/events?after=x1', { token: gd.token });
    expect(after.status).toBe(400);
    const { rows } = await db.pool.query<{ seq: string }>(
      'SELECT e.seq::text AS seq FROM ledger_events e ORDER BY e.seq DESC LIMIT 2',
    );
    const [newest, previous] = rows.map((r) => r.seq);
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/events`, {
      headers: { authorization: `Bearer ${gd.token}`, 'last-event-id': previous! },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(`id: ${newest}\n`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    controller.abort();
    expect(parseEvents(text).map((e) => String(e.seq))).toEqual([newest]);
  });

  it('answers every error in the API shape: bad escapes, bytes that are not HTTP, huge headers; bounds request ids', async () => {
    const escape = await rawRequest('GET', '/v1/%zz');
    expect(escape.status).toBe(400);
    expect(escape.body.error.code).toBe('VALIDATION_FAILED');
    // A raw 0xFF byte in the request line: the HTTP parser refuses it, in the API's shape.
    const garbled = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.end(
        Buffer.concat([
          Buffer.from('GET /'),
          Buffer.from([0xff]),
          Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
        ]),
      );
    });
    expect(garbled.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(garbled.slice(garbled.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'The request is not valid.' },
    });
    const big = await rawRequest('GET', '/healthz', {
      headers: { 'x-big': 'a'.repeat(20 * 1024) },
    });
    expect(big.status).toBe(431);
    expect(big.body.error.code).toBe('HEADERS_TOO_LARGE');
    const wild = await fetch(`${base}/healthz`, {
      headers: { 'x-request-id': `${'a'.repeat(200)}` },
    });
    expect(wild.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const odd = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'req-42.a' } });
    expect(kept.headers.get('x-request-id')).toBe('req-42.a');
    const spec = await http('GET', '/docs/json');
    expect(Object.keys(spec.body.paths['/v1/events'].get.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '429']),
    );
    expect(Object.keys(spec.body.paths['/v1/declarations'].post.responses)).toEqual(
      expect.arrayContaining(['400', '401', '403', '413', '415', '422', '429']),
    );
  });

  it('limits sign-in attempts: the 21st in a minute is 429 RATE_LIMITED', async () => {
    const codes: number[] = [];
    for (let n = 0; n < 21; n++) {
      codes.push((await officer('gdcustoms/officer1', 'guess')).status);
    }
    expect(codes.slice(0, 20).every((c) => c === 401 || c === 429)).toBe(true);
    const last = await officer('gdcustoms/officer1', PASSWORD);
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe('RATE_LIMITED');
  });
  it('keys limits on the client address, not on headers it chooses; guesses spread over addresses lock nobody out', async () => {
    // 127.0.0.1 used its sign-in allowance above: rotating Authorization headers does not renew it.
    const rotating: number[] = [];
    for (let n = 0; n < 25; n++) {
      const res = await http('POST', '/v1/auth/officer', {
        body: { organisation: 'gdcustoms', username: 'officer1', password: 'guess' },
        headers: { authorization: `Bearer bogus-${n}-${randomUUID()}` },
      });
      rotating.push(res.status);
    }
    expect(rotating.every((c) => c === 429)).toBe(true);
    // Guesses spread over other addresses: each is the guesser's own count, so none locks
    // the account (auth/attempts.ts); its officer still signs in.
    const spread: number[] = [];
    for (let n = 0; n < 12; n++) {
      const res = await rawRequest('POST', '/v1/auth/officer', {
        localAddress: `127.0.0.${n + 2}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          organisation: 'hkcustoms',
          username: 'officer1',
          password: 'guess',
        }),
      });
      spread.push(res.status);
    }
    expect(spread).toEqual(Array(12).fill(401));
    const own = await rawRequest('POST', '/v1/auth/officer', {
      localAddress: '127.0.0.30',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organisation: 'hkcustoms', username: 'officer1', password: PASSWORD }),
    });
    expect(own.status).toBe(200);
  });
});
