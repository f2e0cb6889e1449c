/**
 * An officer's tap through the real PC/SC stack: pcscd, the vsmartcard virtual reader,
 * the checkpoint agent process (nfc-pcsc on the native pcsclite binding), and our virtual
 * NTAG 424 DNA tag speaking the vpcd protocol. Each tap is verified with the tag's keys; a
 * replayed or forged tap is refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import {
  MemoryTagCounterStore,
  checkTap,
  diversifyTagKey,
  parseSunUrl,
  type SunMessage,
} from '@clearance/domain/node';
import { VirtualSealTag } from '../../seal-devices/src/nfc/virtual-tag';
import { ensurePcscd } from '../support/pcscd';

interface Tap {
  uid: string;
  url: string;
  sun: SunMessage;
}
const AGENT = path.join(__dirname, '..', '..', 'seal-devices', 'dist', 'nfc', 'cli.js');

describe('NFC checkpoint through pcscd and the virtual reader', () => {
  const keys = { metaKey: Buffer.alloc(16, 0x11), masterKey: Buffer.alloc(16, 0x22) };
  const uid = Buffer.from('04c0ffee123456', 'hex');
  const tag = new VirtualSealTag({
    uid,
    metaKey: keys.metaKey,
    fileKey: diversifyTagKey(keys.masterKey, uid),
    baseUrl: 'https://seal.clearance.test/t',
  });
  const taps: Tap[] = [];
  const errors: Error[] = [];
  let waiting: ((tap: Tap) => void) | undefined;
  let pcscd: { stop(): Promise<void> };
  let agent: ChildProcess;
  const counters = new MemoryTagCounterStore();

  beforeAll(async () => {
    pcscd = await ensurePcscd();
    agent = spawn(process.execPath, [AGENT, '--reader', 'Virtual PCD 00 00'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    readline
      .createInterface({ input: agent.stderr as NodeJS.ReadableStream })
      .on('line', (l) => errors.push(new Error(l)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no virtual reader appeared')), 15_000);
      readline.createInterface({ input: agent.stdout as NodeJS.ReadableStream }).on('line', (l) => {
        const event = JSON.parse(l) as { type: string; uid: string; url: string };
        if (event.type === 'reader') {
          clearTimeout(timer);
          resolve();
        } else if (event.type === 'tap') {
          const tap = { uid: event.uid, url: event.url, sun: parseSunUrl(event.url) };
          taps.push(tap);
          waiting?.(tap);
        }
      });
    });
  }, 30_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      await new Promise((resolve) => {
        agent.once('exit', resolve);
        agent.kill('SIGTERM');
      });
    }
    await tag.remove();
    await pcscd?.stop();
  });

  async function tapOnce(card = tag): Promise<Tap> {
    const seen = new Promise<Tap>((resolve) => (waiting = resolve));
    await card.tap();
    const tap = await seen;
    await card.remove();
    return tap;
  }

  it('reads the SUN URL of a tapped seal and verifies it, counter rising at each tap', async () => {
    const first = await tapOnce();
    expect(first.uid).toBe('04c0ffee123456');
    expect(first.url).toMatch(
      /^https:\/\/seal\.clearance\.test\/t\?picc_data=[0-9A-F]{32}&cmac=[0-9A-F]{16}$/,
    );
    const one = await checkTap(first.sun, keys, counters);
    const two = await checkTap((await tapOnce()).sun, keys, counters);
    expect([one.uidHex, one.counter, two.counter]).toEqual(['04c0ffee123456', 1, 2]);
    expect(errors).toEqual([]);
  }, 30_000);

  it('refuses a replayed tap (an old counter) and a tag whose keys are not ours', async () => {
    const replayed: SunMessage = taps[0]?.sun as SunMessage;
    await expect(checkTap(replayed, keys, counters)).rejects.toMatchObject({ reason: 'REPLAY' });
    const clone = new VirtualSealTag({
      uid,
      metaKey: keys.metaKey,
      fileKey: Buffer.alloc(16, 0x99),
      baseUrl: 'https://seal.clearance.test/t',
      counter: 100,
    });
    await expect(checkTap((await tapOnce(clone)).sun, keys, counters)).rejects.toMatchObject({
      reason: 'BAD_MAC',
    });
    const foreign = new VirtualSealTag({
      ...{ uid, fileKey: Buffer.alloc(16) },
      metaKey: Buffer.alloc(16, 0x33),
      baseUrl: 'https://x.test/t',
    });
    const refused = await checkTap((await tapOnce(foreign)).sun, keys, counters).catch(
      (e: unknown) => e,
    );
    // Decrypted with the wrong key, the data is noise: 1 time in 256 its first byte happens to
    // look right and the MAC check is what refuses it.
    expect(['WRONG_KEY_OR_TAG', 'BAD_MAC']).toContain((refused as { reason?: string }).reason);
    expect(await counters.last('04c0ffee123456')).toBe(2);
  }, 30_000);
});
