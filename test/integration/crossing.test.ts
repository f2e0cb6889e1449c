/**
 * The boundary decision on the devnet, through the gateway (accounts, the indexer, each
 * caller's own identity): one sealed truck per reason, set up in parallel, each decided by
 * POST /v1/crossings under a GD customs officer's identity and endorsed by both customs
 * services' peers. Intact and release-eligible gives GO; each fault gives INSPECT with
 * exactly its reason (the random selection aside: it is checked against the recorded
 * draw); a replayed tap and bad input are refused with coded errors and record nothing; the
 * same request twice is one crossing. The lane device at Lok Ma Chau decides there and
 * nowhere else. An INSPECT's joint inspection ends in HOLD (the declaration held, then on
 * through the life cycle) or CLEARED; the index lists each and agrees with the ledger. A
 * tampered truck cleared by its inspection goes at the next tap and the next control point;
 * one held stays INSPECT. Refusals carry the chaincode's reason to HTTP.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { compareIndex } from '../../gateway/src/projection/commands';
import { fileGd, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { startDevnetStack, type DevnetStack } from '../support/devnet-stack';

const MINUTE = 60_000;
const pem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

/** A crossing as GET /v1/crossings lists it. */
interface Listed {
  crossingId: string;
  sealId: string;
  controlPoint: string;
  decision: string;
  inspection: string | null;
  outcomeReason: string | null;
}

interface Answer {
  crossing: {
    crossingId: string;
    decision: string;
    reasons: string[];
    draw: { selected: boolean; value: number; rate: number; inputs: string[] };
    decided: { actor: { mspId: string; role?: string } };
    inspection: {
      status: string;
      outcome: {
        heldDeclarations: string[];
        unheldDeclarations?: string[];
        clearedAlarms?: { kind: string; txId: string }[];
      } | null;
    } | null;
  };
  transactionId: string;
  created: boolean;
}

describe('Crossing: GO or INSPECT at Lok Ma Chau, on the devnet', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  let stack: DevnetStack;
  const as = (who: string) => stack.as(who);
  let officerToken = '';
  let operatorToken = '';
  let laneToken = '';

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

  /** A request to the gateway, answered with its status and JSON body. */
  async function call(method: string, path: string, token: string, body?: object, key?: string) {
    const res = await fetch(`${stack.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json: unknown = await res.json();
    return { statusCode: res.status, json: <T>() => json as T };
  }

  async function post(body: object, key = randomUUID(), token = officerToken) {
    // The GD peer may lag the HK officer's tap by a block: retry while the ledger says so.
    for (let attempt = 1; ; attempt++) {
      const res = await call(
        'POST',
        '/v1/crossings',
        token,
        { controlPoint: 'LMC', direction: 'NORTHBOUND', ...body },
        key,
      );
      if (res.statusCode < 500 || attempt === 5) return res;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** The index's crossings over a declaration, once `ready` holds for them (it may trail). */
  async function indexed(declarationId: string, ready: (items: Listed[]) => boolean) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await call('GET', `/v1/crossings?declarationId=${declarationId}`, officerToken);
      const items = res.json<{ items: Listed[] }>().items;
      if (ready(items)) return items;
      if (Date.now() > deadline) throw new Error(`index: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const stateReasons = (a: Answer) => a.crossing.reasons.filter((r) => r !== 'RANDOM_SELECTION');

  const trucks: Record<string, Awaited<ReturnType<typeof truck>>> = {};

  beforeAll(async () => {
    stack = await startDevnetStack({ run, password: 'crossing test password' });
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
      truck('LANE'),
      truck('HOLD', { released: false }),
      truck('CLEAR', { silent: true }),
      truck('TAMPERCLR'),
      truck('TAMPERHOLD'),
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
    for (const name of ['TAMPERCLR', 'TAMPERHOLD'])
      await as('logistics/operator1').submit('Seal:RecordAlarm', [
        trucks[name]?.sealId as string,
        'TAMPER',
        'tamper switch',
      ]);
    for (const t of Object.values(trucks)) await tap(t, 1);
    officerToken = await stack.officerToken('gdcustoms/officer1');
    operatorToken = await stack.officerToken('logistics/operator1');
    laneToken = await stack.officerToken('hkcustoms/lane-lmc');
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('intact, freshly tapped, readings current, declaration release-eligible: GO', async () => {
    const res = await post({ sealId: trucks.GO?.sealId });
    expect(res.statusCode).toBe(201);
    const answer = res.json<Answer>();
    expect(stateReasons(answer)).toEqual([]);
    expect(answer.crossing.decision).toBe(answer.crossing.draw.selected ? 'INSPECT' : 'GO');
    // Anyone recomputes the recorded draw with the README's recipe and a shell.
    const { draw } = answer.crossing;
    const hex = execFileSync(
      'bash',
      ['-c', `printf '%s\\n' "$@" | head -c -1 | sha256sum | cut -c1-12`, 'draw', ...draw.inputs],
      { encoding: 'utf8' },
    ).trim();
    expect(parseInt(hex, 16) / 2 ** 48).toBe(draw.value);
    expect(draw.selected).toBe(draw.value < draw.rate);
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
    // The index lists it at the control point, once.
    const since = new Date(Date.now() - 10 * MINUTE).toISOString();
    await indexed(t.declarationId, (items) => items.length === 1);
    const list = await call('GET', `/v1/crossings?controlPoint=LMC&since=${since}`, officerToken);
    expect(list.statusCode).toBe(200);
    const atLmc = list.json<{ items: Listed[] }>().items.filter((c) => c.sealId === t.sealId);
    expect(atLmc.map((c) => [c.crossingId, c.controlPoint])).toEqual([
      [first.json<Answer>().crossing.crossingId, 'LMC'],
    ]);
  }, 60_000);

  it('an unknown seal, a control point off the route, a caller without the role: coded, nothing recorded', async () => {
    const t = trucks.BAD as Awaited<ReturnType<typeof truck>>;
    const code = (res: { statusCode: number; json<T>(): T }) => [
      res.statusCode,
      res.json<{ error: { code: string } }>().error.code,
    ];
    expect(code(await post({ sealId: `SEAL-${run}-NONE` }))).toEqual([404, 'NOT_FOUND']);
    // The chaincode's finer reason comes through to HTTP beside the code.
    const reasoned = (res: { statusCode: number; json<T>(): T }) => [
      ...code(res),
      res.json<{ error: { reason?: string } }>().error.reason,
    ];
    expect(reasoned(await post({ sealId: t.sealId, controlPoint: 'SZBGD' }))).toEqual([
      400,
      'INVALID_ARGUMENT',
      'NOT_ON_ROUTE',
    ]);
    expect(reasoned(await post({ sealId: t.sealId, controlPoint: 'QQQ' }))).toEqual([
      400,
      'INVALID_ARGUMENT',
      'UNKNOWN_CONTROL_POINT',
    ]);
    expect(code(await post({ sealId: t.sealId }, randomUUID(), operatorToken))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    const noKey = await call('POST', '/v1/crossings', officerToken, {
      sealId: t.sealId,
      controlPoint: 'LMC',
      direction: 'NORTHBOUND',
    });
    expect(code(noKey)[1]).toBe('IDEMPOTENCY_KEY_REQUIRED');
    // None of them used the tap: the first proper request decides on it.
    const res = await post({ sealId: t.sealId });
    expect(res.statusCode).toBe(201);
    expect(stateReasons(res.json<Answer>())).toEqual([]);
  }, 60_000);

  it('the lane device at Lok Ma Chau decides there under its own identity, and nowhere else', async () => {
    const t = trucks.LANE as Awaited<ReturnType<typeof truck>>;
    const code = (res: { statusCode: number; json<T>(): T }) => [
      res.statusCode,
      res.json<{ error: { code: string } }>().error.code,
    ];
    // Huanggang is on the seal's route: the lane rule refuses it, not the route.
    expect(
      code(await post({ sealId: t.sealId, controlPoint: 'HGG' }, randomUUID(), laneToken)),
    ).toEqual([403, 'FORBIDDEN']);
    // An inspection officer has no role to ask for a decision.
    const ciq = await stack.officerToken('gdciq/inspector1');
    expect(code(await post({ sealId: t.sealId }, randomUUID(), ciq))).toEqual([403, 'FORBIDDEN']);
    const res = await post({ sealId: t.sealId }, randomUUID(), laneToken);
    expect(res.statusCode).toBe(201);
    const answer = res.json<Answer>();
    expect(answer.crossing.decided.actor).toMatchObject({
      mspId: 'HKCustomsMSP',
      role: 'lane-device',
    });
    expect(stateReasons(answer)).toEqual([]);
  }, 60_000);

  it('HOLD after an INSPECT holds the declaration, which goes on once unheld; CLEARED leaves another as it was', async () => {
    const hold = trucks.HOLD as Awaited<ReturnType<typeof truck>>;
    const clear = trucks.CLEAR as Awaited<ReturnType<typeof truck>>;
    const [held, cleared] = await Promise.all([
      post({ sealId: hold.sealId }),
      post({ sealId: clear.sealId }),
    ]);
    expect(stateReasons(held.json<Answer>())).toEqual(['DECLARATION_NOT_RELEASED']);
    expect(stateReasons(cleared.json<Answer>())).toEqual(['READINGS_SILENT']);
    const hk = await stack.officerToken('hkcustoms/officer1');
    const outcome = (answer: typeof held, body: object, token = hk) =>
      call(
        'POST',
        `/v1/crossings/${answer.json<Answer>().crossing.crossingId}/outcome`,
        token,
        body,
      );
    expect((await outcome(held, { outcome: 'HOLD', reason: '' })).statusCode).toBe(400);
    expect((await outcome(held, { outcome: 'HOLD', reason: 'x' }, laneToken)).statusCode).toBe(403);

    const reason = 'goods do not match the declaration';
    const recorded = await outcome(held, { outcome: 'HOLD', reason });
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json<Answer>().crossing.inspection).toMatchObject({
      status: 'HOLD',
      outcome: { heldDeclarations: [hold.declarationId] },
    });
    const again = await outcome(held, { outcome: 'CLEARED', reason: '' });
    expect([again.statusCode, again.json<{ error: { code: string } }>().error.code]).toEqual([
      409,
      'INVALID_STATE',
    ]);
    const gd = as('gdcustoms/officer1');
    const declaration = async (id: string) =>
      JSON.parse(await gd.evaluate('Declaration:Get', [id])) as {
        state: string;
        hold: { reason: string; actor: { mspId: string } } | null;
      };
    const onHold = await declaration(hold.declarationId);
    expect(onHold.state).toBe('ACCEPTED');
    expect(onHold.hold?.reason).toContain(reason);
    expect(onHold.hold?.actor.mspId).toBe('HKCustomsMSP');
    // The life cycle: nothing moves while held; unheld, the declaration goes on.
    await expect(
      gd.submit('Declaration:AssessRisk', [hold.declarationId, 'LOW', '5', '']),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await gd.submit('Declaration:Unhold', [hold.declarationId, 'inspection settled']);
    await gd.submit('Declaration:AssessRisk', [hold.declarationId, 'LOW', '5', '']);
    expect(await declaration(hold.declarationId)).toMatchObject({
      state: 'RISK_ASSESSED',
      hold: null,
    });

    const clearedAnswer = await outcome(cleared, { outcome: 'CLEARED', reason: '' });
    expect(clearedAnswer.statusCode).toBe(200);
    expect(clearedAnswer.json<Answer>().crossing.inspection).toMatchObject({
      status: 'CLEARED',
      outcome: { heldDeclarations: [] },
    });
    expect(await declaration(clear.declarationId)).toMatchObject({
      state: 'RELEASE_ELIGIBLE',
      hold: null,
    });

    // The index has both outcomes, and agrees with the ledger on every crossing of this run.
    const [heldRow] = await indexed(hold.declarationId, (items) => items[0]?.inspection === 'HOLD');
    expect(heldRow).toMatchObject({ decision: 'INSPECT', outcomeReason: reason });
    await indexed(clear.declarationId, (items) => items[0]?.inspection === 'CLEARED');
    const { differences, crossingDifferences } = await compareIndex(stack.pool, gd);
    expect(crossingDifferences).toEqual([]);
    expect(differences.filter((d) => d.declarationId.includes(run))).toEqual([]);
    // Every column of a crossing row is compared: changed behind the indexer's back, reported.
    await stack.pool.query(
      `UPDATE crossings SET direction = 'SOUTHBOUND', declaration_ids = '{GD-NOT-THERE}',
         decided_at = '2000-01-01T00:00:00Z', outcome_reason = 'tampered' WHERE crossing_id = $1`,
      [held.json<Answer>().crossing.crossingId],
    );
    const tampered = (await compareIndex(stack.pool, gd)).crossingDifferences;
    expect(
      tampered
        .filter((d) => d.crossingId === held.json<Answer>().crossing.crossingId)
        .map((d) => d.field),
    ).toEqual(['direction', 'declarationIds', 'decidedAt', 'outcomeReason']);
  }, 120_000);

  it('TAMPER, INSPECT, CLEARED by the joint inspection: GO at the next tap and at the next control point, the index agreeing', async () => {
    const t = trucks.TAMPERCLR as Awaited<ReturnType<typeof truck>>;
    const inspect = await post({ sealId: t.sealId });
    expect(stateReasons(inspect.json<Answer>())).toEqual(['ALARM_TAMPER', 'DECLARATION_HELD']);
    // A GD customs officer records it (either side's clearing lifts an alarm-only hold).
    const cleared = await call(
      'POST',
      `/v1/crossings/${inspect.json<Answer>().crossing.crossingId}/outcome`,
      officerToken,
      { outcome: 'CLEARED', reason: 'seal and goods checked' },
    );
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json<Answer>().crossing.inspection?.outcome).toMatchObject({
      unheldDeclarations: [t.declarationId],
      clearedAlarms: [{ kind: 'TAMPER' }],
    });
    await tap(t, 2);
    const atLmc = (await post({ sealId: t.sealId })).json<Answer>();
    expect(stateReasons(atLmc)).toEqual(['ALARM_CLEARED_BY_INSPECTION']);
    expect(atLmc.crossing.decision).toBe(atLmc.crossing.draw.selected ? 'INSPECT' : 'GO');
    // Huanggang, the next control point: a Guangdong officer taps there.
    await as('gdcustoms/officer1').submit('Seal:RecordCheckpoint', [
      t.sealId,
      JSON.stringify({ controlPoint: 'HGG', tagUid: t.tagUid, counter: 3 }),
    ]);
    const atHgg = (await post({ sealId: t.sealId, controlPoint: 'HGG' })).json<Answer>();
    expect(stateReasons(atHgg)).toEqual(['ALARM_CLEARED_BY_INSPECTION']);
    expect(atHgg.crossing.decision).toBe(atHgg.crossing.draw.selected ? 'INSPECT' : 'GO');
    // The index has the declaration unheld, as the ledger does.
    const gd = as('gdcustoms/officer1');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await stack.pool.query<{ on_hold: boolean; last_action: string }>(
        'SELECT on_hold, last_action FROM declarations WHERE declaration_id = $1',
        [t.declarationId],
      );
      if (rows[0]?.on_hold === false) break;
      if (Date.now() > deadline) throw new Error(`index: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { differences } = await compareIndex(stack.pool, gd);
    expect(differences.filter((d) => d.declarationId === t.declarationId)).toEqual([]);
  }, 120_000);

  it('TAMPER, INSPECT, HOLD: the next tap is INSPECT again', async () => {
    const t = trucks.TAMPERHOLD as Awaited<ReturnType<typeof truck>>;
    const inspect = await post({ sealId: t.sealId });
    const held = await call(
      'POST',
      `/v1/crossings/${inspect.json<Answer>().crossing.crossingId}/outcome`,
      officerToken,
      { outcome: 'HOLD', reason: 'goods short' },
    );
    expect(held.statusCode).toBe(200);
    await tap(t, 2);
    const again = (await post({ sealId: t.sealId })).json<Answer>();
    expect(again.crossing.decision).toBe('INSPECT');
    expect(stateReasons(again)).toEqual(['ALARM_TAMPER', 'DECLARATION_HELD']);
  }, 120_000);
});
