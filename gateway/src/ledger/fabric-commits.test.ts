/** The commit stream against scripted Deliver streams: waiters, reconnection without a gap. */
import { describe, expect, it } from '@jest/globals';
import { peer } from '@hyperledger/fabric-protos';
import {
  CommitWatcher,
  RESEND_AFTER_MS,
  RESEND_RETRY_MS,
  resendCause,
  seenHeight,
} from './fabric-commits';
import { isEndpointDown } from './fabric-health';
import type { PeerAddress } from './fabric-endpoints';

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

describe('CommitWatcher', () => {
  it('tells each waiter the block and validation code of its transaction', async () => {
    const s = scripted();
    const watcher = new CommitWatcher({ channel: 'c1', peers, open: s.open, retryDelayMs: 1 });
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
    expect(seenHeight('c1', 'a:1')).toBe(6n);
    watcher.close();
  });

  it('resumes after a failure at the next block, on the next peer', async () => {
    const s = scripted();
    const watcher = new CommitWatcher({ channel: 'c2', peers, open: s.open, retryDelayMs: 1 });
    s.send(filtered(7, []));
    const waiting = await watcher.expect('late', 1000);
    s.send(new Error('peer went away'));
    await tick();
    await tick();
    expect(s.opened[1]).toEqual({ endpoint: 'b:2', start: 8n });
    // The failed stream marks its peer down (endorsements stop waiting for its height).
    expect(isEndpointDown('a:1')).toBe(true);
    s.send(filtered(8, [['late', 0]]));
    await expect(waiting.status).resolves.toEqual({ blockNumber: 8n, code: 0 });
    expect(isEndpointDown('b:2')).toBe(false);
    // Back on the first peer: its first block marks it up again.
    s.send(new Error('b went away too'));
    await tick();
    await tick();
    expect(s.opened[2]).toEqual({ endpoint: 'a:1', start: 9n });
    s.send(filtered(9, []));
    await tick();
    expect(isEndpointDown('a:1')).toBe(false);
    expect(isEndpointDown('b:2')).toBe(true);
    watcher.close();
  });

  it('answers undefined when the time runs out, and refuses while no block was read', async () => {
    const s = scripted();
    const watcher = new CommitWatcher({
      channel: 'c3',
      peers,
      open: s.open,
      retryDelayMs: 1,
      readyTimeoutMs: 20,
    });
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

describe('sending a transaction again while its commit has not come', () => {
  const none = new Set<string>();
  const taken = { at: 1_000, down: none, height: 7n };
  const look = { at: 1_500, down: none, height: 7n };

  it('sends again when an orderer went down since it was taken, not for one down before', () => {
    expect(resendCause(taken, look)).toBeUndefined();
    expect(resendCause(taken, { ...look, down: new Set(['orderer1:7050']) })).toBe('orderer-down');
    const before = new Set(['orderer1:7050']);
    expect(resendCause({ ...taken, down: before }, { ...look, down: before })).toBeUndefined();
    expect(
      resendCause({ ...taken, down: before }, { ...look, down: new Set(['orderer2:8050']) }),
    ).toBe('orderer-down');
  });

  it('sends again after the bounded wait only if blocks were cut without it since', () => {
    const late = { ...look, at: 1_000 + RESEND_AFTER_MS };
    expect(resendCause(taken, { ...late, at: late.at - 1, height: 8n })).toBeUndefined();
    // Commits slow under load, no block cut since: sending again would only add work.
    expect(resendCause(taken, late)).toBeUndefined();
    expect(resendCause(taken, { ...late, height: 8n })).toBe('no-commit');
  });

  it('tries a resend no orderer took again after a pause, even once the orderer is seen up', () => {
    const refused = { ...taken, untaken: 'orderer-down' as const };
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
});
