/**
 * Either side working alone, across hosts, through each organisation's own gateway:
 * - kill -9 of HK customs' peer, and separately of its whole host (every process on it, its
 *   namespace too), under a GD filing load at GD customs' gateway: GD's filings go on with
 *   p95 < 2 s; HK's peer and gateway catch up after the restart; every filing acknowledged
 *   is committed once.
 * - GD and HK cut apart for 60 s (the third party's orderer reaches both) under a filing
 *   load on both sides: reads keep working on both; each side's own filings keep committing
 *   (each reaches an ordering majority through the third party); every filing acknowledged
 *   (2xx) on either side is committed exactly once at the latest after the heal; each index
 *   equals its own peer's ledger afterwards.
 * GD's own acts need GD's peers only once the per-jurisdiction endorsement (issue 24a) is on
 * the channel; before it, a GD filing needs HK's peer too and the "goes on" checks fail.
 * One hosts network for the file (`.devnet-hosts/faults`, wiped first), about five minutes.
 */
import { canonicalBytes } from '@clearance/core';
import {
  HostsDevnet,
  RAFT_OPTIONS,
  REPO_ROOT,
  findFabric,
  hostGateway,
  kill9Tree,
  startHostGateways,
} from '@clearance/devnet';
import { sendFilings, type Filing } from '@clearance/load/filing-load';
import {
  addAuthorityChange,
  createTestPki,
  sampleFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import {
  call,
  compareIndexOnHost,
  officerToken,
  operation,
  signInTraderWhenRecognised,
  whyOnHost,
} from '../support/host-gateways';

const asRoot = process.getuid?.() === 0;
const fabric = findFabric();
const describeHosts = fabric && asRoot ? describe : describe.skip;

const RATE = 3; // filings a second per side
const P95_LIMIT_MS = 2000;
// Killing the host that holds the Raft leader stops ordering for one election: etcd/raft
// waits ElectionTick ticks, randomised up to twice that, before a follower stands. GD acts
// started then wait for it; that is the one case the bound widens by, and the test says so.
const ELECTION_MAX_MS =
  2 * RAFT_OPTIONS.ElectionTick * Number.parseInt(RAFT_OPTIONS.TickInterval, 10);

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? Infinity;
}

/** `n` filings of `jurisdiction` signed by its test trader, as a client would send them. */
async function signed(
  pki: TestPki,
  jurisdiction: 'GD' | 'HK',
  prefix: string,
  n: number,
): Promise<Filing[]> {
  const signer = jurisdiction === 'GD' ? pki.signers.gdTrader : pki.signers.hkTrader;
  const out: Filing[] = [];
  for (let i = 0; i < n; i++) {
    const filing = sampleFiling(`${prefix}-${i}`, jurisdiction);
    const cms = await signer.sign(canonicalBytes(filing));
    out.push({
      id: filing.declaration.declarationId,
      key: randomUUID(),
      body: JSON.stringify({ ...filing, signature: Buffer.from(cms).toString('base64') }),
      start: 0,
      resent: 0,
    });
  }
  return out;
}

describeHosts('each side working alone, across hosts', () => {
  const devnet = new HostsDevnet({
    root: path.join(REPO_ROOT, '.devnet-hosts', 'faults'),
    log: () => undefined,
  });
  const run = randomUUID().slice(0, 6).toUpperCase();
  const url = (organisation: string) => hostGateway(devnet, organisation).url;
  let pki: TestPki;
  const traders: Record<'GD' | 'HK', string> = { GD: '', HK: '' };

  beforeAll(async () => {
    await devnet.reset();
    await devnet.up();
    await startHostGateways(devnet, { logLevel: 'warn' });
    pki = await createTestPki({ idSuffix: run });
    for (const [side, other, authority] of [
      ['gdcustoms', 'hkcustoms', pki.gd],
      ['hkcustoms', 'gdcustoms', pki.hk],
    ] as const) {
      const proposed = await operation(
        url(side),
        await officerToken(devnet, `${side}/trust-admin`),
        '/v1/trust-list/proposals',
        JSON.parse(addAuthorityChange(authority)),
      );
      const proposalId = (proposed.result as { proposalId: string }).proposalId;
      for (let attempt = 1; ; attempt++) {
        const approved = await operation(
          url(other),
          await officerToken(devnet, `${other}/trust-admin`),
          `/v1/trust-list/proposals/${proposalId}/approval`,
          { reason: 'recognised' },
        );
        if (approved.state === 'succeeded') break;
        if (attempt === 10) throw new Error(`approval: ${JSON.stringify(approved)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    traders.GD = await signInTraderWhenRecognised(
      devnet,
      'gdcustoms',
      pki.signers.gdTrader,
      pki.gd.authorityId,
    );
    traders.HK = await signInTraderWhenRecognised(
      devnet,
      'hkcustoms',
      pki.signers.hkTrader,
      pki.hk.authorityId,
    );
  }, 420_000);

  afterAll(async () => {
    await devnet.heal().catch(() => undefined);
    await devnet.down();
  }, 120_000);

  /** Each filing acknowledged (2xx) has one FILE in its history, read at `organisation`'s gateway. */
  async function committedOnce(organisation: string, filings: Filing[]): Promise<string[]> {
    const token = await officerToken(devnet, `${organisation}/officer1`);
    const wrong: string[] = [];
    for (const f of filings.filter((x) => x.status !== undefined && x.status < 300)) {
      let files = -1;
      for (let attempt = 1; attempt <= 60; attempt++) {
        const history = await call(url(organisation), 'GET', `/v1/declarations/${f.id}/history`, {
          token,
        });
        const entries: { action: string }[] = Array.isArray(history.body)
          ? history.body
          : (history.body?.items ?? []);
        files = entries.filter((e) => e.action === 'FILE').length;
        if (history.status === 200 && files > 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      if (files !== 1) wrong.push(`${f.id}: ${files} FILE entries`);
    }
    return wrong;
  }

  /** Filings started in [from, to): their commit latencies (Infinity when not answered committed). */
  const startedIn = (filings: Filing[], from: number, to: number) =>
    filings.filter((f) => f.start >= from && f.start < to).map((f) => f.answeredMs ?? Infinity);

  /** Waits until the gateway of `organisation` indexes `id` (its own peer caught up). */
  async function indexed(organisation: string, id: string, ms: number): Promise<boolean> {
    const token = await officerToken(devnet, `${organisation}/officer1`);
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const s = await call(url(organisation), 'GET', `/v1/declarations/${id}/summary`, {
        token,
      }).catch(() => undefined);
      if (s?.status === 200) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(
      `${id} not indexed at ${organisation} in ${ms} ms:\n${await whyOnHost(devnet, organisation)}`,
    );
    return false;
  }

  for (const what of ['peer', 'host'] as const) {
    it(`kill -9 of HK customs' ${what} under a GD filing load: GD goes on (p95 < 2 s), HK catches up, nothing lost or doubled`, async () => {
      const filings = await signed(pki, 'GD', `GD-${run}-K${what.toUpperCase()}`, 30 * RATE);
      const t0 = Date.now() + 500;
      const load = sendFilings({ base: url('gdcustoms'), token: traders.GD }, filings, t0, RATE);
      await new Promise((r) => setTimeout(r, 8_000));
      const names =
        what === 'peer'
          ? ['peer']
          : ['gateway', 'peer', 'orderer0', 'chaincode', 'postgres', 'redis', 'netns'];
      const hkHeldLeader =
        what === 'host' &&
        (await devnet.status()).hosts.some((h) => h.key === 'hkcustoms' && h.raftLeader === true);
      const killedAt = Date.now();
      for (const name of names) {
        const pid = devnet.pidOn('hkcustoms', name);
        if (pid !== undefined) await kill9Tree(pid);
      }
      await new Promise((r) => setTimeout(r, 12_000));
      const restartedAt = Date.now();
      await devnet.up();
      if (what === 'host') await startHostGateways(devnet, { logLevel: 'warn' });
      await load;
      const down = startedIn(filings, killedAt, restartedAt);
      console.log(
        `kill -9 of HK customs' ${what}${hkHeldLeader ? ' (it held the Raft leader)' : ''}: ${down.length} GD filings while down, p95 ${p95(down).toFixed(0)} ms; up again in ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`,
      );
      // Everything else first, so a run where GD stalled still says whether HK caught up.
      const last = filings[filings.length - 1] as Filing;
      expect(await committedOnce('gdcustoms', filings)).toEqual([]);
      // HK's peer caught up: its gateway's index holds the last GD filing, equal to its ledger.
      expect(await indexed('hkcustoms', last.id, 90_000)).toBe(true);
      expect((await compareIndexOnHost(devnet, 'hkcustoms')).status).toBe(0);
      expect((await compareIndexOnHost(devnet, 'gdcustoms')).status).toBe(0);
      expect(down.length).toBeGreaterThan(10);
      expect(p95(down)).toBeLessThan(P95_LIMIT_MS + (hkHeldLeader ? ELECTION_MAX_MS : 0));
    }, 420_000);
  }

  it('GD and HK cut apart for 60 s under load on both sides: reads go on, each side commits its own, every acknowledged act committed once, each index = its peer', async () => {
    const seconds = 90;
    const gd = await signed(pki, 'GD', `GD-${run}-CUT`, seconds * RATE);
    const hk = await signed(pki, 'HK', `HK-${run}-CUT`, seconds * RATE);
    const earlier = { gdcustoms: gd[0] as Filing, hkcustoms: hk[0] as Filing };
    const t0 = Date.now() + 500;
    const loads = [
      sendFilings({ base: url('gdcustoms'), token: traders.GD }, gd, t0, RATE),
      sendFilings({ base: url('hkcustoms'), token: traders.HK }, hk, t0, RATE),
    ];
    await new Promise((r) => setTimeout(r, 10_000));
    await devnet.partition('gd', 'hk');
    const cutAt = Date.now();
    // Reads on both sides while cut: the gateways answer from their own peer and index.
    const reads: Record<string, number[]> = { gdcustoms: [], hkcustoms: [] };
    const tokens = {
      gdcustoms: await officerToken(devnet, 'gdcustoms/officer1'),
      hkcustoms: await officerToken(devnet, 'hkcustoms/officer1'),
    };
    while (Date.now() - cutAt < 60_000) {
      for (const side of ['gdcustoms', 'hkcustoms'] as const) {
        for (const p of [
          `/v1/declarations/${earlier[side].id}`,
          `/v1/declarations/${earlier[side].id}/summary`,
        ]) {
          const r = await call(url(side), 'GET', p, { token: tokens[side] }).catch(() => ({
            status: 0,
            body: undefined,
          }));
          reads[side]?.push(r.status);
        }
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const healedAt = Date.now();
    await devnet.heal();
    await Promise.all(loads);
    for (const side of ['gdcustoms', 'hkcustoms'] as const)
      expect({ side, failedReads: reads[side]?.filter((s) => s !== 200) }).toEqual({
        side,
        failedReads: [],
      });
    expect(await committedOnce('gdcustoms', gd)).toEqual([]);
    expect(await committedOnce('hkcustoms', hk)).toEqual([]);
    // After the heal each gateway's index equals its own peer's ledger.
    for (const [organisation, filings] of [
      ['gdcustoms', [...gd, ...hk]],
      ['hkcustoms', [...hk, ...gd]],
    ] as const) {
      expect(await indexed(organisation, (filings[filings.length - 1] as Filing).id, 90_000)).toBe(
        true,
      );
      const compared = await compareIndexOnHost(devnet, organisation);
      expect({
        organisation,
        status: compared.status,
        output: compared.output.slice(-300),
      }).toMatchObject({
        organisation,
        status: 0,
      });
    }
    // Last, so a stall shows after the rest is known: each side reaches the third party's
    // orderer (an ordering majority), so its own acts commit while cut.
    for (const [side, filings] of [
      ['GD', gd],
      ['HK', hk],
    ] as const) {
      // Started once the cut had settled; answered committed before the heal.
      const started = filings.filter((f) => f.start >= cutAt + 10_000 && f.start < healedAt);
      const during = started.map((f) => f.answeredMs ?? Infinity);
      const committed = started.filter(
        (f) => f.answeredMs !== undefined && f.start + f.answeredMs < healedAt,
      ).length;
      console.log(
        `cut: ${side} filings started during the cut ${during.length}, committed while cut ${committed}, p95 ${p95(during).toFixed(0)} ms`,
      );
      expect({ side, committedDuringCut: committed > during.length / 2 }).toEqual({
        side,
        committedDuringCut: true,
      });
    }
  }, 600_000);
});
