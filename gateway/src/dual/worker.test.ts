/**
 * The dual worker on the in-memory ledger: a pass files the other side's half and settles
 * the receiving side's index entry; pokes coalesce into one pass, started at once (no floor
 * between passes), and pokes during a pass make exactly one more.
 */
import { DeclarationRecordSchema, PendingHalfSchema } from '@clearance/domain';
import {
  OFFICERS,
  createTestPki,
  listAuthority,
  sampleDualFiling,
  signDual,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { createMemoryNetwork } from '@clearance/testkit/gateway';
import { z } from 'zod';
import type { Ledger } from '../ports/ledger';
import { fileAllPendingHalves, startDualWorker } from './worker';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

async function networkWithDualFiling(submissionId: string) {
  const network = createMemoryNetwork();
  for (const authority of [pki.gd, pki.hk])
    await listAuthority(
      network.chain.invokerFor(OFFICERS.gdTrustAdmin),
      network.chain.invokerFor(OFFICERS.hkTrustAdmin),
      authority,
    );
  const agents = { GD: network.as(OFFICERS.gdAgent), HK: network.as(OFFICERS.hkAgent) };
  const filing = await sampleDualFiling(submissionId);
  const signed = await signDual(filing, 'HK', (c) => pki.signers.hkTrader.sign(c));
  await agents.HK.submit('Declaration:FileDual', signed.args, signed.transient);
  return { network, agents, filing };
}

const open = async (hk: Ledger) =>
  z.array(PendingHalfSchema).parse(JSON.parse(await hk.evaluate('Declaration:OpenHalves', ['HK'])));

/** A filing agent with nothing pending that counts the passes run on it (one PendingHalves each). */
function counting(gate?: Promise<void>): { ledger: Ledger; passes(): number } {
  const ledger = createMemoryNetwork().as(OFFICERS.gdAgent);
  let passes = 0;
  return {
    ledger: {
      ...ledger,
      evaluate: async (transaction) => {
        if (transaction === 'Declaration:PendingHalves') passes++;
        await gate;
        return '[]';
      },
    },
    passes: () => passes,
  };
}

/** Runs due timers and the promise chains they start (the passes). */
const tick = async () => {
  for (let i = 0; i < 5; i++) await jest.advanceTimersByTimeAsync(1);
};

describe('dual worker', () => {
  it('a pass files the pending half with its values and settles the entry where it was received', async () => {
    const { agents, filing } = await networkWithDualFiling('W-1');
    expect((await open(agents.HK)).map((e) => e.submissionId)).toEqual(['W-1']);
    const filed = await fileAllPendingHalves({
      agents: { GD: async () => agents.GD, HK: async () => agents.HK },
      commercial: { get: async (_id, _v, j) => JSON.stringify(filing.commercial[j]) },
      onError: (error) => {
        throw error;
      },
    });
    expect(filed).toBe(1);
    const gd = DeclarationRecordSchema.parse(
      JSON.parse(await agents.GD.evaluate('Declaration:Get', ['W-1-GD'])),
    );
    expect(gd.pair?.submissionVersion).toBe(1);
    expect(await open(agents.HK)).toEqual([]);
    // Nothing left: a second pass files nothing and writes nothing.
    const height = await agents.HK.channelHeight();
    expect(await fileAllPendingHalves({ agents: { GD: async () => agents.GD } })).toBe(0);
    expect(await agents.HK.channelHeight()).toBe(height);
  });

  describe('scheduling', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('a burst of pokes makes one pass, at once, and a poke right after a pass makes another without waiting', async () => {
      const gd = counting();
      const worker = startDualWorker({ agents: { GD: async () => gd.ledger }, intervalMs: 60_000 });
      await tick();
      expect(gd.passes()).toBe(1); // the pass at start

      for (let i = 0; i < 20; i++) worker.poke();
      await tick();
      expect(gd.passes()).toBe(2);

      worker.poke();
      await tick();
      expect(gd.passes()).toBe(3);
      await worker.stop();
    });

    it('pokes during a pass make exactly one pass after it', async () => {
      let release!: () => void;
      const gd = counting(new Promise<void>((r) => (release = r)));
      const worker = startDualWorker({ agents: { GD: async () => gd.ledger }, intervalMs: 60_000 });
      await tick();
      expect(gd.passes()).toBe(1); // started, held at the gate
      for (let i = 0; i < 5; i++) worker.poke();
      await tick();
      expect(gd.passes()).toBe(1);
      release();
      await tick();
      expect(gd.passes()).toBe(2);
      await tick();
      expect(gd.passes()).toBe(2);
      await worker.stop();
    });

    it('sweeps on its interval without any poke', async () => {
      const gd = counting();
      const worker = startDualWorker({ agents: { GD: async () => gd.ledger }, intervalMs: 5_000 });
      await tick();
      expect(gd.passes()).toBe(1);
      await jest.advanceTimersByTimeAsync(5_000);
      await tick();
      expect(gd.passes()).toBe(2);
      await jest.advanceTimersByTimeAsync(5_000);
      await tick();
      expect(gd.passes()).toBe(3);
      await worker.stop();
    });
  });
});
