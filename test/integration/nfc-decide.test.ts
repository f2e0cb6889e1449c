/**
 * `--decide` end to end: the checkpoint agent process reads a virtual NTAG 424 DNA tag
 * through pcscd and the vsmartcard virtual reader, posts the tap to the gateway on the
 * devnet (verified with the tag's keys and recorded on the ledger under the identity of the
 * lane device at Lok Ma Chau, hkcustoms/lane-lmc), then asks for the boundary decision and
 * prints the committed answer:
 * GO for an intact seal over a released consignment (unless the random selection, checked
 * against its recorded draw, picked it), the same crossing the ledger has.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { diversifyTagKey } from '@clearance/domain/node';
import { VirtualSealTag } from '../../seal-devices/src/nfc/virtual-tag';
import { fileGd, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { startDevnetStack, type DevnetStack } from '../support/devnet-stack';
import { ensurePcscd } from '../support/pcscd';

const AGENT = path.join(__dirname, '..', '..', 'seal-devices', 'dist', 'nfc', 'cli.js');
const MINUTE = 60_000;

interface AgentLine {
  type: string;
  status?: number;
  // The gateway's answers: their shape is what the assertions check.
  body?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  message?: string;
}

describe('NFC agent --decide through pcscd against the devnet gateway', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const keys = { metaKey: randomBytes(16), masterKey: randomBytes(16) };
  const uid = Buffer.concat([Buffer.from([0x04]), randomBytes(6)]);
  const tag = new VirtualSealTag({
    uid,
    metaKey: keys.metaKey,
    fileKey: diversifyTagKey(keys.masterKey, uid),
    baseUrl: 'https://seal.clearance.test/t',
  });
  const sealId = `SEAL-${run}-NFC`;
  const declarationId = `GD-${run}-NFC`;
  const lines: AgentLine[] = [];
  let stack: DevnetStack;
  let pcscd: { stop(): Promise<void> } | undefined;
  let agent: ChildProcess | undefined;

  beforeAll(async () => {
    stack = await startDevnetStack({ run, password: 'nfc decide password', tagKeys: keys });
    // A GD import released by both GD agencies, under an accredited e-lock with current readings.
    const pki = await trustedPki(stack.as, run);
    await fileGd(stack.as, pki, declarationId);
    const customs = stack.as('gdcustoms/officer1');
    await customs.submit('Declaration:Accept', [declarationId, '']);
    await customs.submit('Declaration:AssessRisk', [declarationId, 'LOW', '5', '']);
    await customs.submit('Declaration:MarkReleaseEligible', [declarationId, '']);
    await customs.submit('Declaration:Release', [declarationId, '']);
    await stack.as('gdciq/inspector1').submit('Declaration:Release', [declarationId, '']);
    await sealedDevice(stack.as, {
      deviceId: `EL-${run}-NFC`,
      sealId,
      publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      tagUid: uid.toString('hex'),
      declarationIds: [declarationId],
    });
    await stack.as('logistics/operator1').submit('Seal:AnchorReadings', [
      sealId,
      JSON.stringify({
        batchId: `b-${run}`,
        fromCounter: 1,
        toCounter: 40,
        count: 40,
        merkleRoot: 'cd'.repeat(32),
        firstTime: new Date(Date.now() - 5 * MINUTE).toISOString(),
        lastTime: new Date().toISOString(),
      }),
    ]);

    pcscd = await ensurePcscd();
    const token = await stack.officerToken('hkcustoms/lane-lmc');
    agent = spawn(
      process.execPath,
      [
        AGENT,
        ...['--reader', 'Virtual PCD 00 00', '--control-point', 'LMC'],
        ...['--post', `${stack.base}/v1/seals/checks`, '--decide', 'NORTHBOUND'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GATEWAY_TOKEN: token } },
    );
    for (const stream of [agent.stdout, agent.stderr])
      readline
        .createInterface({ input: stream as NodeJS.ReadableStream })
        .on('line', (l) => lines.push(JSON.parse(l) as AgentLine));
    const deadline = Date.now() + 15_000;
    while (!lines.some((l) => l.type === 'reader')) {
      if (Date.now() > deadline) throw new Error('no virtual reader appeared');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 600_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((resolve) => agent?.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
    await tag.remove();
    await pcscd?.stop();
    await stack?.stop();
  }, 60_000);

  /** Taps the tag and waits for the agent's decision line (or an error line). */
  async function tapForDecision(): Promise<AgentLine> {
    const from = lines.length;
    await tag.tap();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const line = lines.slice(from).find((l) => l.type === 'decision' || l.type === 'error');
      if (line) {
        await tag.remove();
        return line;
      }
      if (Date.now() > deadline) throw new Error(`no decision: ${JSON.stringify(lines)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('taps, records the check and prints the committed decision: GO for an intact, released consignment', async () => {
    const line = await tapForDecision();
    expect(line).toMatchObject({ type: 'decision', status: 201 });
    const crossing = line.body.crossing;
    expect(crossing).toMatchObject({
      sealId,
      controlPoint: 'LMC',
      direction: 'NORTHBOUND',
      tap: { counter: 1 },
      declarations: [{ declarationId, state: 'RELEASED', reasons: [] }],
    });
    expect(crossing.reasons.filter((r: string) => r !== 'RANDOM_SELECTION')).toEqual([]);
    expect(crossing.decision).toBe(crossing.draw.selected ? 'INSPECT' : 'GO');
    expect(crossing.decided.actor).toMatchObject({ mspId: 'HKCustomsMSP', role: 'lane-device' });
    // What the agent printed is what the ledger committed.
    const onLedger = JSON.parse(
      await stack.as('gdcustoms/officer1').evaluate('Crossing:GetCrossing', [crossing.crossingId]),
    ) as { decision: string; decided: { txId: string } };
    expect(onLedger.decision).toBe(crossing.decision);
    expect(onLedger.decided.txId).toBe(line.body.transactionId);
    const recorded = lines.find((l) => l.type === 'recorded');
    expect(recorded?.body).toMatchObject({ sealId, counter: 1 });
    const seal = JSON.parse(
      await stack.as('gdcustoms/officer1').evaluate('Seal:GetSeal', [sealId]),
    ) as {
      checkpoints: { controlPoint: string; counter: number; actor: { role?: string } }[];
    };
    expect(seal.checkpoints.at(-1)).toMatchObject({
      controlPoint: 'LMC',
      counter: 1,
      actor: { role: 'lane-device' },
    });
  }, 120_000);

  it('refuses the lane device a tap at another control point: FORBIDDEN, nothing recorded', async () => {
    const token = await stack.officerToken('hkcustoms/lane-lmc');
    const before = await stack.as('gdcustoms/officer1').evaluate('Seal:GetSeal', [sealId]);
    // Through the gateway (before the tag's counter is used) and on the ledger itself.
    const res = await fetch(`${stack.base}/v1/seals/checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ controlPoint: 'HGG', url: 'https://seal.clearance.test/t?x=1' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    await expect(
      stack
        .as('hkcustoms/lane-lmc')
        .submit('Seal:RecordCheckpoint', [
          sealId,
          JSON.stringify({ controlPoint: 'HGG', tagUid: uid.toString('hex'), counter: 99 }),
        ]),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await stack.as('gdcustoms/officer1').evaluate('Seal:GetSeal', [sealId])).toBe(before);
  }, 120_000);
});
