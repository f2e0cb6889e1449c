/**
 * A tap at a control point end to end: the virtual seal tag on the vsmartcard reader,
 * pcscd, the checkpoint agent process posting to the gateway, SUN verification there with
 * the tag's keys, and the check recorded on the devnet under the officer's identity; a
 * replayed and a forged tap refused, the ledger unchanged by them.
 */
import type { SealRecord } from '@clearance/domain';
import { buildApp } from '@clearance/gateway';
import {
  TEST_METRICS_HEADERS,
  TEST_METRICS_TOKEN,
  createMemorySessionStore,
} from '@clearance/testkit/gateway';
import { Devnet } from '@clearance/devnet';
import type { FastifyInstance } from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { migrate } from '../../gateway/src/database/migrations';
import { diversifyTagKey } from '@clearance/domain/node';
import { VirtualSealTag } from '../../seal-devices/src/nfc/virtual-tag';
import { fileGd, officerLedgers, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ensurePcscd } from '../support/pcscd';

const AGENT = path.join(__dirname, '..', '..', 'seal-devices', 'dist', 'nfc', 'cli.js');

describe('NFC checkpoint through the gateway onto the ledger', () => {
  const devnet = new Devnet({ log: () => undefined });
  const run = randomUUID().slice(0, 8).toUpperCase();
  const sealId = `SEAL-${run}-NFC`;
  const deviceId = `EL-${run}-N`;
  const uid = Buffer.concat([Buffer.from([0x04]), randomBytes(6)]);
  const keys = { metaKey: randomBytes(16), masterKey: randomBytes(16) };
  const { as, closeAll } = officerLedgers(devnet);
  let db: TestDatabase;
  let app: FastifyInstance;
  let agent: ChildProcess;
  let pcscd: { stop(): Promise<void> };
  const lines: { type: string; status?: number; body?: { error?: { code: string } } }[] = [];
  let notify: (() => void) | undefined;
  let token = '';

  beforeAll(async () => {
    await devnet.up();
    db = await createTestDatabase();
    await migrate(db.pool);
    const pki = await trustedPki(as, run);
    await fileGd(as, pki, `GD-${run}-N`);
    await sealedDevice(as, {
      deviceId,
      sealId,
      publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      tagUid: uid.toString('hex'),
      conveyance: 'ZM9900',
      declarationIds: [`GD-${run}-N`],
    });
    // The agent acts for a signed-in HK customs officer (sign-in: gateway-api.test.ts).
    const sessions = createMemorySessionStore();
    ({ token } = await sessions.create({
      kind: 'officer',
      id: 'hkcustoms/officer1',
      organisation: 'hkcustoms',
      mspId: 'HKCustomsMSP',
      name: 'officer1',
      role: 'customs-officer',
    }));
    app = await buildApp({
      ledger: as('hkcustoms/officer1'),
      sessions,
      database: db.pool,
      tagKeys: keys,
      metricsToken: TEST_METRICS_TOKEN,
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    pcscd = await ensurePcscd();
    agent = spawn(
      process.execPath,
      [
        AGENT,
        '--reader',
        'Virtual PCD 00 00',
        '--control-point',
        'LMC',
        '--post',
        `${address}/v1/seals/checks`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GATEWAY_TOKEN: token } },
    );
    const collect = (l: string) => {
      lines.push(JSON.parse(l) as (typeof lines)[number]);
      notify?.();
    };
    readline.createInterface({ input: agent.stdout as NodeJS.ReadableStream }).on('line', collect);
    readline.createInterface({ input: agent.stderr as NodeJS.ReadableStream }).on('line', collect);
    await waitFor((l) => l.type === 'reader');
  }, 300_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      await new Promise((resolve) => {
        agent.once('exit', resolve);
        agent.kill('SIGTERM');
      });
    }
    await pcscd?.stop();
    await app?.close();
    await closeAll();
    await db?.drop();
  }, 60_000);

  async function waitFor(match: (l: (typeof lines)[number]) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(match);
      if (found) {
        lines.splice(lines.indexOf(found), 1);
        return found;
      }
      if (Date.now() > deadline)
        throw new Error(`agent said nothing matching within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        notify = r;
        setTimeout(r, 200);
      });
    }
  }

  async function tap(tag: VirtualSealTag) {
    await tag.tap();
    const seen = await waitFor((l) => l.type === 'tap');
    await tag.remove();
    return seen as unknown as { url: string };
  }

  const seal = async () =>
    JSON.parse(await as('gdcustoms/officer1').evaluate('Seal:GetSeal', [sealId])) as SealRecord;

  it('records a verified tap on the ledger, and refuses its replay and a forged tag', async () => {
    const tag = new VirtualSealTag({
      uid,
      metaKey: keys.metaKey,
      fileKey: diversifyTagKey(keys.masterKey, uid),
      baseUrl: 'https://seal.clearance.test/t',
    });
    const first = await tap(tag);
    const recorded = await waitFor((l) => l.type === 'recorded');
    expect(recorded).toMatchObject({
      status: 201,
      body: { sealId, counter: 1, tagUid: uid.toString('hex') },
    });
    const afterFirst = await seal();
    expect(afterFirst.checkpoints.map((c) => [c.controlPoint, c.counter, c.actor.mspId])).toEqual([
      ['LMC', 1, 'HKCustomsMSP'],
    ]);

    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/seals/checks',
      payload: { controlPoint: 'LMC', url: first.url },
    });
    expect(anonymous.statusCode).toBe(401);
    const replay = await app.inject({
      method: 'POST',
      url: '/v1/seals/checks',
      headers: { authorization: `Bearer ${token}` },
      payload: { controlPoint: 'LMC', url: first.url },
    });
    expect([replay.statusCode, replay.json().error.code]).toEqual([409, 'REPLAYED']);

    const clone = new VirtualSealTag({
      uid,
      metaKey: keys.metaKey,
      fileKey: randomBytes(16),
      baseUrl: 'https://x.test/t',
      counter: 50,
    });
    await tap(clone);
    const refused = await waitFor((l) => l.type === 'error');
    expect(refused).toMatchObject({ body: { error: { code: 'SIGNATURE_INVALID' } } });
    expect((await seal()).checkpoints).toHaveLength(1);
    // Both refusals counted (the metrics registry is the process's: at least these two).
    const metrics = (
      await app.inject({ method: 'GET', url: '/metrics', headers: TEST_METRICS_HEADERS })
    ).body;
    for (const reason of ['NFC_REPLAY', 'NFC_BAD_MAC']) {
      const m = new RegExp(
        `^gateway_readings_rejected_total\\{reason="${reason}"\\} (\\d+)$`,
        'm',
      ).exec(metrics);
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);
});
