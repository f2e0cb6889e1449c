/**
 * Dual filings on the twin: the index of pending halves (a key range of the namespace that
 * received the submission, written with it) is what PendingHalves reads, so its cost follows
 * what is pending, not every submission ever recorded; it is kept on filing, amendment and
 * settlement.
 */
import {
  JURISDICTION_NAMESPACES,
  LedgerError,
  PendingHalfSchema,
  type Jurisdiction,
} from '@clearance/domain';
import {
  MemoryLedger,
  OFFICERS,
  createTestPki,
  listAuthority,
  sampleDualFiling,
  signDual,
  withHashes,
  type DualFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { z } from 'zod';
import { DeclarationContract } from './declaration';
import { TrustListContract } from './trust-list';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

const Pending = z.array(PendingHalfSchema);
const pendingKey = (forSide: Jurisdiction, submissionId: string) =>
  `\u0000dual-pending\u0000${forSide}\u0000${submissionId}\u0000`;

async function setUp() {
  const ledger = new MemoryLedger([new DeclarationContract(), new TrustListContract()]);
  for (const authority of [pki.gd, pki.hk])
    await listAuthority(
      ledger.invokerFor(OFFICERS.gdTrustAdmin),
      ledger.invokerFor(OFFICERS.hkTrustAdmin),
      authority,
    );
  const agents = {
    GD: ledger.invokerFor(OFFICERS.gdAgent),
    HK: ledger.invokerFor(OFFICERS.hkAgent),
  };
  const sign = (c: Uint8Array) => pki.signers.hkTrader.sign(c);
  return {
    ledger,
    agents,
    async fileDualAtHk(filing: DualFiling) {
      const signed = await signDual(filing, 'HK', sign);
      await agents.HK.submit('Declaration:FileDual', signed.args, signed.transient);
    },
    async amendDualAtHk(filing: DualFiling) {
      const signed = await signDual(filing, 'HK', sign);
      await agents.HK.submit('Declaration:AmendDual', signed.args, signed.transient);
    },
    async pendingForGd() {
      return Pending.parse(
        JSON.parse(await agents.GD.evaluate('Declaration:PendingHalves', ['GD'])),
      );
    },
    fileGdHalf: (submissionId: string) =>
      agents.GD.submit('Declaration:FileHalf', ['GD', submissionId, 'HK']),
    /** As HK's worker settles: what a simulation finds settleable, then those by id. */
    async settleAtHk() {
      const settleable = z
        .array(PendingHalfSchema)
        .parse(JSON.parse(await agents.HK.evaluate('Declaration:SettleableHalves', ['HK'])));
      const ids = JSON.stringify(settleable.map((e) => e.submissionId));
      return agents.HK.submit('Declaration:SettleHalves', ['HK', ids]);
    },
    holdsPending: (submissionId: string) =>
      ledger.holds(JURISDICTION_NAMESPACES.HK, pendingKey('GD', submissionId)),
  };
}

describe('Dual filings: the pending halves index', () => {
  it('PendingHalves reads what is pending, not every submission recorded', async () => {
    const t = await setUp();
    const settled = ['D-A', 'D-B', 'D-C', 'D-D', 'D-E', 'D-F'];
    for (const id of settled) await t.fileDualAtHk(await sampleDualFiling(id));
    for (const id of settled) await t.fileGdHalf(id);
    await t.fileDualAtHk(await sampleDualFiling('D-OPEN'));
    await t.agents.HK.submit('Declaration:SettleHalves', ['HK', JSON.stringify(settled)]);
    // By id: each entry and its half, not the open entry of D-OPEN (no range read).
    expect(t.ledger.lastKeysRead).toBe(2 * settled.length);

    const pending = await t.pendingForGd();
    expect(pending.map((p) => p.submissionId)).toEqual(['D-OPEN']);
    // One index row and the half's key: the six settled submissions are not read.
    expect(t.ledger.lastKeysRead).toBeLessThanOrEqual(2);
  });

  it('writes the entry with the submission, keeps it until the half is filed at its version, and settles it then', async () => {
    const t = await setUp();
    const filing = await sampleDualFiling('D-1');
    await t.fileDualAtHk(filing);
    expect(t.ledger.holds(JURISDICTION_NAMESPACES.HK, '\u0000dual-submission\u0000D-1\u0000')).toBe(
      true,
    );
    expect(t.holdsPending('D-1')).toBe(true);
    expect(await t.pendingForGd()).toEqual([
      { submissionId: 'D-1', receivedIn: 'HK', version: 1, declarationId: 'D-1-GD' },
    ]);

    // Settling before the half is there removes nothing: a crash here loses no work.
    const early = await t.settleAtHk();
    expect(JSON.parse(early.result)).toEqual([]);
    expect(t.holdsPending('D-1')).toBe(true);

    await t.fileGdHalf('D-1');
    expect(await t.pendingForGd()).toEqual([]);
    expect(JSON.parse((await t.settleAtHk()).result)).toEqual([
      { submissionId: 'D-1', receivedIn: 'HK', version: 1, declarationId: 'D-1-GD' },
    ]);
    expect(t.holdsPending('D-1')).toBe(false);

    // An amendment of the shared data: pending again at version 2 until GD amends its half.
    const amended: DualFiling = {
      ...filing,
      submission: await withHashes(
        {
          ...filing.submission,
          shared: {
            ...filing.submission.shared,
            packages: { ...filing.submission.shared.packages, count: 41 },
          },
        },
        filing.commercial,
      ),
    };
    await t.amendDualAtHk(amended);
    expect(t.holdsPending('D-1')).toBe(true);
    expect((await t.pendingForGd()).map((p) => p.version)).toEqual([2]);
    await t.settleAtHk();
    expect(t.holdsPending('D-1')).toBe(true);
    await t.fileGdHalf('D-1');
    const gdHalf = JSON.parse(await t.agents.GD.evaluate('Declaration:Get', ['D-1-GD'])) as {
      version: number;
    };
    expect(gdHalf.version).toBe(2);
    await t.settleAtHk();
    expect(t.holdsPending('D-1')).toBe(false);

    // An amendment of HK's own fields: GD's half is not amended, but its link follows.
    const own: DualFiling = {
      ...amended,
      submission: {
        ...amended.submission,
        sides: {
          ...amended.submission.sides,
          HK: { ...amended.submission.sides.HK, customsOffice: 'MKT' },
        },
      },
    };
    await t.amendDualAtHk(own);
    expect((await t.pendingForGd()).map((p) => p.version)).toEqual([3]);
    await t.fileGdHalf('D-1');
    const gdAfter = JSON.parse(await t.agents.GD.evaluate('Declaration:Get', ['D-1-GD'])) as {
      version: number;
      pair: { submissionVersion: number };
    };
    expect([gdAfter.version, gdAfter.pair.submissionVersion]).toEqual([2, 3]);
    await t.settleAtHk();
    expect(t.holdsPending('D-1')).toBe(false);
  });

  it('a declaration under the awaited id that belongs to another submission is not the half: the entry stays pending and is not settled', async () => {
    const t = await setUp();
    const a = await sampleDualFiling('D-SQ-A');
    await t.fileDualAtHk(a);
    // Before GD's node files A's GD half, another dual submission received at GD takes that id.
    const b = await sampleDualFiling('D-SQ-B');
    const squatting: DualFiling = {
      ...b,
      submission: {
        ...b.submission,
        sides: {
          ...b.submission.sides,
          GD: { ...b.submission.sides.GD, declarationId: a.submission.sides.GD.declarationId },
        },
      },
    };
    const signed = await signDual(squatting, 'GD', (c) => pki.signers.hkTrader.sign(c));
    await t.agents.GD.submit('Declaration:FileDual', signed.args, signed.transient);

    expect((await t.pendingForGd()).map((p) => p.submissionId)).toContain('D-SQ-A');
    await t.settleAtHk();
    expect(t.holdsPending('D-SQ-A')).toBe(true);
  });

  it('a refused filing writes neither the submission nor its entry', async () => {
    const t = await setUp();
    const filing = await sampleDualFiling('D-BAD');
    const signed = await signDual(filing, 'HK', (c) => pki.signers.hkTrader.sign(c));
    await expect(
      t.agents.HK.submit('Declaration:FileDual', signed.args, {
        commercial: JSON.stringify(filing.commercial.GD), // GD's values: not HK's hash
      }),
    ).rejects.toBeInstanceOf(LedgerError);
    expect(t.holdsPending('D-BAD')).toBe(false);
    expect(await t.pendingForGd()).toEqual([]);
  });

  it('only the receiving side settles, in its own namespace, by its filing agent', async () => {
    const t = await setUp();
    await t.fileDualAtHk(await sampleDualFiling('D-2'));
    await t.fileGdHalf('D-2');
    const ids = JSON.stringify(['D-2']);
    const byOfficer = t.ledger
      .invokerFor(OFFICERS.hkCustoms)
      .submit('Declaration:SettleHalves', ['HK', ids]);
    await expect(byOfficer).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const bad of ['D-2', '[1]', JSON.stringify(Array(201).fill('D-2'))])
      await expect(
        t.agents.HK.submit('Declaration:SettleHalves', ['HK', bad]),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const inGd = t.agents.GD.submit(
      'Declaration:SettleHalves',
      ['HK', ids],
      {},
      {
        namespace: JURISDICTION_NAMESPACES.GD,
      },
    );
    await expect(inGd).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(t.holdsPending('D-2')).toBe(true);
  });

  it('every dual write tells the other side there is work: the half event names its pair, an amendment of the other half alone has its own', async () => {
    const t = await setUp();
    const filing = await sampleDualFiling('D-3');
    await t.fileDualAtHk(filing);
    const filed = t.ledger.events.at(-1);
    expect(filed?.name).toBe('DeclarationFiled');
    expect(JSON.parse(filed?.payload ?? '{}')).toMatchObject({
      jurisdiction: 'HK',
      pair: { submissionId: 'D-3', submissionVersion: 1, receivedIn: 'HK' },
    });
    const gdOwn: DualFiling = {
      ...filing,
      submission: {
        ...filing.submission,
        sides: {
          ...filing.submission.sides,
          GD: { ...filing.submission.sides.GD, customsOffice: '5301' },
        },
      },
    };
    await t.amendDualAtHk(gdOwn);
    const amended = t.ledger.events.at(-1);
    expect(amended?.name).toBe('DualSubmissionAmended');
    expect(JSON.parse(amended?.payload ?? '{}')).toMatchObject({
      submissionId: 'D-3',
      version: 2,
      receivedIn: 'HK',
    });
    expect((await t.pendingForGd()).map((p) => [p.submissionId, p.version])).toEqual([['D-3', 2]]);
  });

  it('an amendment before the other side filed: its half is filed once, from the latest version', async () => {
    const t = await setUp();
    const filing = await sampleDualFiling('D-4');
    await t.fileDualAtHk(filing);
    const amended: DualFiling = {
      ...filing,
      submission: {
        ...filing.submission,
        shared: {
          ...filing.submission.shared,
          netWeightKg: filing.submission.shared.netWeightKg - 1,
        },
      },
    };
    await t.amendDualAtHk(amended);
    expect((await t.pendingForGd()).map((p) => p.version)).toEqual([2]);
    await t.fileGdHalf('D-4');
    const gd = JSON.parse(await t.agents.GD.evaluate('Declaration:Get', ['D-4-GD'])) as {
      version: number;
      lastAct: { action: string };
      declaration: { netWeightKg: number };
      pair: { submissionVersion: number };
    };
    expect([gd.version, gd.lastAct.action, gd.pair.submissionVersion]).toEqual([1, 'FILE', 2]);
    expect(gd.declaration.netWeightKg).toBe(amended.submission.shared.netWeightKg);
    expect(JSON.parse((await t.settleAtHk()).result)).toHaveLength(1);
    expect(t.holdsPending('D-4')).toBe(false);
  });

  describe("the other side's values handed over through the ledger", () => {
    it("FileHalf without values of its own copies the handed-over ones into its side's collection", async () => {
      const t = await setUp();
      const filing = await sampleDualFiling('H-1');
      await t.fileDualAtHk(filing);
      await t.fileGdHalf('H-1'); // no transient values: the GD node's gateway never had them
      const values = await t.ledger
        .invokerFor(OFFICERS.gdCustoms)
        .evaluate('Declaration:GetCommercial', ['H-1-GD', '']);
      expect(JSON.parse(values)).toEqual(filing.commercial.GD);
    });

    it('handed-over values not those signed are refused with nothing recorded', async () => {
      const t = await setUp();
      const filing = await sampleDualFiling('H-2');
      const signed = await signDual(filing, 'HK', (c) => pki.signers.hkTrader.sign(c));
      await expect(
        t.agents.HK.submit('Declaration:FileDual', signed.args, {
          ...signed.transient,
          commercialOther: JSON.stringify({ ...filing.commercial.GD, invoiceNumber: 'FORGED' }),
        }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(t.holdsPending('H-2')).toBe(false);
    });

    it("only the other side's filing agent reads them", async () => {
      const t = await setUp();
      await t.fileDualAtHk(await sampleDualFiling('H-3'));
      const args = ['HK', 'H-3', '1'];
      expect(
        JSON.parse(await t.agents.GD.evaluate('Declaration:HandedOverValues', args)),
      ).toMatchObject({ invoiceNumber: expect.any(String) });
      for (const who of [OFFICERS.hkAgent, OFFICERS.hkCustoms, OFFICERS.gdCustoms])
        await expect(
          t.ledger.invokerFor(who).evaluate('Declaration:HandedOverValues', args),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(
        t.agents.GD.evaluate('Declaration:HandedOverValues', ['HK', 'H-3', '0x1']),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it("an amendment of this side's fields before the other side filed still hands its values over", async () => {
      const t = await setUp();
      const filing = await sampleDualFiling('H-4');
      await t.fileDualAtHk(filing);
      await t.amendDualAtHk({
        ...filing,
        submission: {
          ...filing.submission,
          sides: {
            ...filing.submission.sides,
            HK: { ...filing.submission.sides.HK, customsOffice: 'MKT' },
          },
        },
      });
      await t.fileGdHalf('H-4');
      const values = await t.ledger
        .invokerFor(OFFICERS.gdCustoms)
        .evaluate('Declaration:GetCommercial', ['H-4-GD', '']);
      expect(JSON.parse(values)).toEqual(filing.commercial.GD);
    });
  });
});
