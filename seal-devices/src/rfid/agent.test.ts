import { collectEarTags, postArrival } from './agent';
import { crc16Kermit, decodeFrame, encodeFrame } from './fdx-b';
import { simulatedReader } from './simulated-reader';

describe('FDX-B frames', () => {
  it('round-trips a 15-digit ear tag and checks the CRC (CRC-16/KERMIT check value)', () => {
    expect(crc16Kermit(new TextEncoder().encode('123456789'))).toBe(0x2189);
    expect(decodeFrame(encodeFrame('156000012345678'))).toBe('156000012345678');
    const flipped = encodeFrame('156000012345678');
    flipped[3] = (flipped[3] ?? 0) ^ 0x10;
    expect(() => decodeFrame(flipped)).toThrow(expect.objectContaining({ code: 'FRAME_CRC' }));
    expect(() => decodeFrame(new Uint8Array(9))).toThrow(
      expect.objectContaining({ code: 'FRAME_LENGTH' }),
    );
    expect(() => decodeFrame(new Uint8Array(10))).toThrow(
      expect.objectContaining({ code: 'NOT_ANIMAL' }),
    );
  });
});

describe('the RFID reader agent', () => {
  const tags = Array.from({ length: 50 }, (_, i) => `156${String(i + 1).padStart(12, '0')}`);

  it('counts each tag once, drops corrupted frames, keeps strays for the ledger to flag', async () => {
    const summary = await collectEarTags(
      simulatedReader({
        earTags: tags,
        strays: ['344000000000001'],
        corruptRate: 0.1,
        repeats: 3,
        seed: 7,
      }),
    );
    expect(summary.frames).toBe(51 * 3);
    expect(summary.rejected.FRAME_CRC ?? 0).toBeGreaterThan(0);
    // Three reads of each: a tag lost only if all three were corrupted.
    expect(summary.earTags).toContain('344000000000001');
    expect(new Set(summary.earTags).size).toBe(summary.earTags.length);
    expect(summary.earTags.every((t) => /^\d{15}$/.test(t))).toBe(true);
  });

  it('posts the reads as the arrival check, with the officer session and an idempotency key', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchFn = (async (url: URL, init: RequestInit) => {
      calls.push({ url: url.toString(), init });
      return new Response(JSON.stringify({ record: { result: 'ACCEPTED' } }), { status: 201 });
    }) as unknown as typeof fetch;
    const summary = await collectEarTags(
      simulatedReader({ earTags: tags.slice(0, 3), repeats: 1 }),
    );
    await postArrival(
      fetchFn,
      {
        gatewayUrl: 'http://hk.test',
        token: 'tok',
        consignmentId: 'C-1',
        idempotencyKey: 'unload-0001',
      },
      summary,
    );
    expect(calls[0]?.url).toBe('http://hk.test/v1/livestock/consignments/C-1/arrival');
    expect(JSON.parse(String(calls[0]?.init.body))).toMatchObject({
      controlPoint: 'MKT',
      earTagsRead: tags.slice(0, 3),
    });
    expect((calls[0]?.init.headers as Record<string, string>)['idempotency-key']).toBe(
      'unload-0001',
    );
  });
});
