/**
 * The project's own Fabric client on the real devnet (Fabric 2.1.1, no Gateway service):
 * the ledger behaviour suite, endorsement routed around a dead optional peer, orderer
 * fail-over, reads after our own writes on another organisation's peer, and block events
 * resumed from a checkpoint with only valid transactions.
 */
import { EVENTS } from '@clearance/chaincode';
import { ledgerBehaviour } from '@clearance/testkit/behaviour';
import {
  connectGateway,
  createFabricLedger,
  loadConfig,
  toApiError,
  type FabricConnection,
  type Ledger,
} from '@clearance/gateway';
import type { ChaincodeEvent } from '@clearance/fabric-client';
import { until } from '@clearance/testkit/gateway';
import { Devnet } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { fileGd, officerLedgers, trustedPki } from '../support/devnet-fixtures';

describe('Fabric client on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const run = randomUUID().slice(0, 8);
  const unique = (label: string) => `${label}-${run}-${randomUUID().slice(0, 8)}`;
  const connection = (who: string): FabricConnection =>
    loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(who) }).fabric;
  const open: Ledger[] = [];
  const ledgerOf = (c: FabricConnection): Ledger => {
    const l = createFabricLedger(c);
    open.push(l);
    return l;
  };
  let ledger: Ledger;

  beforeAll(async () => {
    await devnet.up();
    ledger = ledgerOf(connection('gdcustoms/officer1'));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(open.map((l) => l.close()));
  });

  describe('Ledger adapter on Fabric', () => {
    ledgerBehaviour(() => ledger, unique);
  });

  /** The connection with these organisations' peers at an address where nothing listens. */
  const withDeadPeers = (c: FabricConnection, dead: string[]): FabricConnection => ({
    ...c,
    peers: (c.peers ?? []).map((p) =>
      dead.includes(p.mspId) ? { ...p, endpoint: '127.0.0.1:1' } : p,
    ),
  });

  it('routes the endorsement around a dead optional peer', async () => {
    const c = connection('gdcustoms/officer1');
    expect(c.peers?.map((p) => p.mspId).sort()).toEqual([
      'GDCIQMSP',
      'GDCustomsMSP',
      'HKCustomsMSP',
      'LogisticsMSP',
    ]);
    // GD customs' self-check goes to clearance-gd: either GD agency's peer endorses it.
    const routed = ledgerOf(withDeadPeers(c, ['GDCustomsMSP']));
    const id = unique('routed');
    const committed = await routed.submit('SelfCheck:Record', [id, 'by GD inspection']);
    await expect(ledger.status(committed.transactionId)).resolves.toEqual({
      state: 'committed',
      blockNumber: committed.blockNumber,
    });
  }, 60_000);

  it('is unavailable when too few peers answer, and writes nothing', async () => {
    // Neither GD agency's peer: nobody else may endorse in clearance-gd.
    const crippled = ledgerOf(
      withDeadPeers(connection('gdcustoms/officer1'), ['GDCustomsMSP', 'GDCIQMSP']),
    );
    const id = unique('crippled');
    // The port rejects with the client's stage error; the HTTP edge answers it 503.
    const refused: unknown = await crippled.submit('SelfCheck:Record', [id, 'x']).catch((e) => e);
    expect(refused).toMatchObject({
      name: 'LedgerUnavailableError',
      code: 'UNAVAILABLE',
      retryable: true,
    });
    expect(toApiError(refused)).toMatchObject({ code: 'LEDGER_UNAVAILABLE', status: 503 });
    await expect(ledger.evaluate('SelfCheck:Get', [id])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  }, 60_000);

  it("releases a GD declaration with Hong Kong's peer down (the plan reads the jurisdiction)", async () => {
    const officers = officerLedgers(devnet);
    try {
      const pki = await trustedPki(officers.as, run.toUpperCase());
      const id = `GD-${run.toUpperCase()}-REL`;
      await fileGd(officers.as, pki, id);
      await officers.as('gdcustoms/officer1').submit('Declaration:Accept', [id, '']);
      await officers
        .as('gdcustoms/officer1')
        .submit('Declaration:AssessRisk', [id, 'LOW', '5', '']);
      await officers
        .as('gdcustoms/officer1')
        .submit('Declaration:MarkReleaseEligible', [id, 'low risk']);
      const withoutHk = ledgerOf(withDeadPeers(connection('gdcustoms/officer1'), ['HKCustomsMSP']));
      const released = await withoutHk.submit('Declaration:Release', [id, 'duties paid']);
      expect(Object.keys((JSON.parse(released.result) as { releases: object }).releases)).toEqual([
        'GDCustomsMSP',
      ]);
      await expect(ledger.status(released.transactionId)).resolves.toMatchObject({
        state: 'committed',
      });
    } finally {
      await officers.closeAll();
    }
  }, 120_000);

  it('sends to the next orderer when one is unreachable', async () => {
    const c = connection('gdcustoms/officer1');
    const [real] = c.orderers ?? [];
    if (!real) throw new Error('the connection names no orderer');
    const failover = ledgerOf({ ...c, orderers: [{ ...real, endpoint: '127.0.0.1:1' }, real] });
    const committed = await failover.submit('SelfCheck:Record', [
      unique('failover'),
      'second orderer',
    ]);
    expect(committed.blockNumber).toBeGreaterThan(0n);
  }, 60_000);

  it('names a hung peer down within seconds, keeps its since, endorses around it until it answers', async () => {
    const health = (l: Ledger) => l.health?.() ?? { down: [], lagging: [] };
    const hk = 'peer-hkcustoms';
    const hkEndpoint = connection('gdcustoms/officer1').peers?.find(
      (p) => p.mspId === 'HKCustomsMSP',
    )?.endpoint;
    const pid = devnet.pidOf(hk);
    if (!pid || !hkEndpoint) throw new Error(`${hk} is not running`);
    // A fresh client: nothing named down yet; its probes start with its first use.
    const watched = ledgerOf(connection('gdcustoms/officer1'));
    await watched.submit('SelfCheck:Record', [unique('hang-before'), 'all peers up']);
    const downSince = () => health(watched).down.find((d) => d.endpoint === hkEndpoint)?.since;
    const stoppedAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    try {
      const since = await until('the hung peer named down', 10_000, async () => downSince(), 100);
      // A probe's 2 s deadline, at most 2 s after the stop (not an endorsement's 15 s).
      expect(Date.now() - stoppedAt).toBeLessThan(6_000);
      // HK customs is one of the three organisations asked first: skipped while named down,
      // the endorsement goes to another at once instead of waiting out its deadline.
      const started = Date.now();
      await watched.submit('SelfCheck:Record', [unique('hang-during'), 'around the hung peer']);
      expect(Date.now() - started).toBeLessThan(5_000);
      await new Promise((r) => setTimeout(r, 5_000));
      expect(downSince()).toBe(since);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const resumedAt = Date.now();
    await until('the peer up again', 10_000, async () =>
      downSince() === undefined ? true : undefined,
    );
    expect(Date.now() - resumedAt).toBeLessThan(6_000);
  }, 60_000);

  it("reads its own writes on another organisation's peer", async () => {
    // The GD inspection identity reads on the GDCIQ peer right after GD customs' commit.
    const ciq = ledgerOf(connection('gdciq/inspector1'));
    for (let i = 0; i < 5; i++) {
      const id = unique('ryw');
      const committed = await ledger.submit('SelfCheck:Record', [id, `read ${i}`]);
      await expect(ciq.evaluate('SelfCheck:Get', [id])).resolves.toBe(committed.result);
    }
  }, 120_000);

  it('delivers chaincode events after a checkpoint, valid transactions only', async () => {
    const a = await ledger.submit('SelfCheck:Record', [unique('ev-a'), 'a']);
    const conflicted = unique('ev-mvcc');
    const first = await ledger.prepare('SelfCheck:Record', [conflicted, 'first']);
    const second = await ledger.prepare('SelfCheck:Record', [conflicted, 'second']);
    await ledger.send(first.envelope);
    await expect(ledger.send(second.envelope)).resolves.toMatchObject({ state: 'invalid' });
    const b = await ledger.submit('SelfCheck:Record', [unique('ev-b'), 'b']);

    const { client, gateway } = connectGateway(connection('gdcustoms/officer1'));
    try {
      // GD customs' self-checks go to its own namespace (domain/namespaces.ts).
      const events = await gateway.getNetwork('clearance').getChaincodeEvents('clearance-gd', {
        checkpoint: {
          getBlockNumber: () => a.blockNumber,
          getTransactionId: () => a.transactionId,
        },
      });
      const seen: ChaincodeEvent[] = [];
      const timer = setTimeout(() => events.close(), 30_000);
      for await (const event of events) {
        seen.push(event);
        if (event.transactionId === b.transactionId) break;
      }
      clearTimeout(timer);
      events.close();
      const ids = seen.map((e) => e.transactionId);
      expect(ids).not.toContain(a.transactionId);
      expect(ids).not.toContain(second.transactionId);
      expect(ids).toContain(first.transactionId);
      expect(ids.at(-1)).toBe(b.transactionId);
      expect(seen.at(-1)).toMatchObject({
        blockNumber: b.blockNumber,
        chaincodeName: 'clearance-gd',
        eventName: EVENTS.SelfCheckRecorded,
      });
      expect(JSON.parse(Buffer.from(seen.at(-1)?.payload ?? []).toString())).toMatchObject({
        note: 'b',
      });
    } finally {
      gateway.close();
      client.close();
    }
  }, 120_000);
});
