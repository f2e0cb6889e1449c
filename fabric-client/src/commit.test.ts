/** The commit stream against scripted Deliver streams: waiters, reconnection without a gap. */
import { describe, expect, it } from '@jest/globals';
import { peer } from '@hyperledger/fabric-protos';
import { CommitWatcher, type CommitWatcherOptions } from './commit';
import {
  MAX_RESENDS,
  RESEND_AFTER_MS,
  RESEND_RETRY_MS,
  resendCause,
  type LastSend,
} from './transaction';
import { EndpointHealth } from './health';
import type { PeerAddress } from './endpoints';

const peers: PeerAddress[] = ['a:1', 'b:2'].map((endpoint) => ({
  mspId: endpoint,
  endpoint,
  hostAlias: endpoint,
  tlsRootCert: '',
}));

function filtered(
  number: number,
  txs: [string, peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]][],
): peer.FilteredBlock {
  const block = new peer.FilteredBlock();
  block.setNumber(number);
  block.setFilteredTransactionsList(
    txs.map(([id, code]) => {
      const tx = new peer.FilteredTransaction();
      tx.setTxid(id);
      tx.setTxValidationCode(code);
      return tx;
    }),
  );
  return block;
}

/** A stream that yields what is pushed to it, or fails when told. */
function scripted() {
  const opened: { endpoint: string; start: bigint | 'newest' }[] = [];
  let push: ((b: peer.FilteredBlock | Error) => void) | undefined;
  const queue: (peer.FilteredBlock | Error)[] = [];
  const open = async (address: PeerAddress, start: bigint | 'newest', signal: AbortSignal) => {
    opened.push({ endpoint: address.endpoint, start });
    async function* blocks(): AsyncGenerator<peer.FilteredBlock> {
      for (;;) {
        const item =
          queue.shift() ??
          (await new Promise<peer.FilteredBlock | Error>((r) => {
            push = r;
            signal.addEventListener('abort', () => r(new Error('aborted')), { once: true });
          }));
        if (signal.aborted) return;
        if (item instanceof Error) throw item;
        yield item;
      }
    }
    return blocks();
  };
  const send = (b: peer.FilteredBlock | Error) => {
    if (push) {
      const p = push;
      push = undefined;
      p(b);
    } else queue.push(b);
  };
  return { opened, open, send };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/** A watcher of `channel` over the two peers' scripted streams, with its endpoint health. */
function watching(channel: string, options: Partial<CommitWatcherOptions> = {}) {
  const s = scripted();
  const health = new EndpointHealth();
  const watcher = new CommitWatcher({
    channel,
    peers,
    open: s.open,
    retryDelayMs: 1,
    health,
    ...options,
  });
  return { s, health, watcher };
}

describe('CommitWatcher', () => {
  it('tells each waiter the block and validation code of its transaction', async () => {
    const { s, health, watcher } = watching('c1');
    s.send(filtered(4, []));
    const one = await watcher.expect('tx1', 1000);
    const two = await watcher.expect('tx2', 1000);
    s.send(
      filtered(5, [
        ['tx1', 0],
        ['other', 0],
        ['tx2', 11],
      ]),
    );
    await expect(one.status).resolves.toEqual({ blockNumber: 5n, code: 0 });
    await expect(two.status).resolves.toEqual({ blockNumber: 5n, code: 11 });
    expect(s.opened[0]).toEqual({ endpoint: 'a:1', start: 'newest' });
    expect(health.peerHeight('c1', 'a:1')).toBe(6n);
    watcher.close();
  });

  it('resumes after a failure at the next block, on the next peer', async () => {
    const { s, health, watcher } = watching('c2');
    s.send(filtered(7, []));
    const waiting = await watcher.expect('late', 1000);
    s.send(new Error('peer went away'));
    await tick();
    await tick();
    expect(s.opened[1]).toEqual({ endpoint: 'b:2', start: 8n });
    // The failed stream marks its peer down (endorsements stop waiting for its height).
    expect(health.isDown('a:1')).toBe(true);
    s.send(filtered(8, [['late', 0]]));
    await expect(waiting.status).resolves.toEqual({ blockNumber: 8n, code: 0 });
    expect(health.isDown('b:2')).toBe(false);
    // Back on the first peer: its first block marks it up again.
    s.send(new Error('b went away too'));
    await tick();
    await tick();
    expect(s.opened[2]).toEqual({ endpoint: 'a:1', start: 9n });
    s.send(filtered(9, []));
    await tick();
    expect(health.isDown('a:1')).toBe(false);
    expect(health.isDown('b:2')).toBe(true);
    watcher.close();
  });

  it('answers undefined when the time runs out, and refuses while no block was read', async () => {
    const { s, watcher } = watching('c3', { readyTimeoutMs: 20, health: undefined });
    await expect(watcher.expect('x', 1000)).rejects.toMatchObject({
      name: 'LedgerUnavailableError',
      transactionId: 'x',
    });
    s.send(filtered(1, []));
    const waiting = await watcher.expect('never', 30);
    await expect(waiting.status).resolves.toBeUndefined();
    watcher.close();
  });
});

describe('CommitWatcher and a hung peer', () => {
  it('leaves a stream whose peer is named down (silent, no error) for the next peer', async () => {
    const { s, health, watcher } = watching('c4', { downCheckMs: 5 });
    s.send(filtered(3, []));
    const waiting = await watcher.expect('after-hang', 1000);
    // a:1 hangs: its stream stays open and sends nothing; a probe names it down.
    health.noteFailure({ endpoint: 'a:1', role: 'peer', call: 'probe' }, 'deadline exceeded');
    for (let i = 0; i < 10 && s.opened.length < 2; i++) await tick();
    expect(s.opened[1]).toEqual({ endpoint: 'b:2', start: 4n });
    s.send(filtered(4, [['after-hang', 0]]));
    await expect(waiting.status).resolves.toEqual({ blockNumber: 4n, code: 0 });
    watcher.close();
  });

  it('stays on a peer named down when every other one is down too', async () => {
    const { s, health, watcher } = watching('c5', { downCheckMs: 5 });
    s.send(filtered(3, []));
    await watcher.expect('x', 10);
    health.noteFailure({ endpoint: 'a:1', role: 'peer', call: 'probe' }, 'deadline');
    health.noteFailure({ endpoint: 'b:2', role: 'peer', call: 'probe' }, 'deadline');
    for (let i = 0; i < 5; i++) await tick();
    expect(s.opened).toHaveLength(1);
    watcher.close();
  });
});

describe('sending a transaction again while its commit has not come', () => {
  const none = new Set<string>();
  /** Taken by orderer1 at 1 s; blocks from 10 on were cut after it reached the orderer. */
  const taken: LastSend = { at: 1_000, by: 'orderer1:7050', cutAfter: 10n, resends: 0 };
  const look = { at: 1_500, down: none, height: 10n };
  const late = { ...look, at: 1_000 + RESEND_AFTER_MS };

  it('sends again when the orderer that took it is named down, not for another one', () => {
    expect(resendCause(taken, look)).toBeUndefined();
    expect(resendCause(taken, { ...look, down: new Set(['orderer1:7050']) })).toBe('orderer-down');
    // The Raft leader it passed the transaction to, hung or dead: the no-commit rule's case.
    expect(resendCause(taken, { ...look, down: new Set(['orderer2:8050']) })).toBeUndefined();
  });

  it('sends again after the wait only once the commit stream read a block cut after it', () => {
    expect(resendCause(taken, { ...late, at: late.at - 1, height: 11n })).toBeUndefined();
    // Block 10 (cut after it reached the orderer) not yet read: slow, not lost.
    expect(resendCause(taken, late)).toBeUndefined();
    expect(resendCause(taken, { ...late, height: 11n })).toBe('no-commit');
    // No orderer read since it was taken: the bound is the home peer's height then, plus one.
    const unread: LastSend = { ...taken, cutAfter: 8n };
    expect(resendCause(unread, { ...late, height: 8n })).toBeUndefined();
    expect(resendCause(unread, { ...late, height: 9n })).toBe('no-commit');
  });

  it('makes no copy while the home peer lags (blocks it reads were cut before the send)', () => {
    // The orderers were at 600 when it was taken; the home peer, stuck on private data, reads
    // block 300, 301, ... long after: none of them could hold the transaction.
    const lagging: LastSend = { ...taken, cutAfter: 600n };
    expect(resendCause(lagging, { ...late, at: late.at + 60_000, height: 420n })).toBeUndefined();
  });

  it('tries a resend no orderer took again after a pause, even once the orderer is seen up', () => {
    const refused: LastSend = { ...taken, untaken: 'orderer-down' };
    const down = new Set(['orderer1:7050']);
    expect(resendCause(refused, { ...look, at: 1_000 + RESEND_RETRY_MS - 1, down })).toBe(
      undefined,
    );
    expect(resendCause(refused, { ...look, at: 1_000 + RESEND_RETRY_MS, down })).toBe(
      'orderer-down',
    );
    // Back up before the next try (its commit still owed): the resend is still due.
    expect(resendCause(refused, { ...look, at: 1_000 + RESEND_RETRY_MS })).toBe('orderer-down');
  });

  it('makes at most MAX_RESENDS copies, whatever the evidence', () => {
    const spent: LastSend = { ...taken, resends: MAX_RESENDS };
    expect(resendCause(spent, { ...late, down: new Set(['orderer1:7050']) })).toBeUndefined();
    expect(resendCause(spent, { ...late, height: 99n })).toBeUndefined();
    expect(resendCause({ ...spent, untaken: 'no-commit' }, { ...late, at: 1e9 })).toBeUndefined();
    expect(resendCause({ ...spent, resends: MAX_RESENDS - 1 }, { ...late, height: 11n })).toBe(
      'no-commit',
    );
  });
});
