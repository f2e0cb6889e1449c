import { EventEmitter } from 'node:events';
import { RECONNECTED, type Notifications } from '../notifications';
import type { OperationRow } from './store';
import { OPERATION_CHANNEL } from './store';
import { createOperationWaiter } from './waiter';

const notifications = (): Notifications => ({
  events: new EventEmitter(),
  close: async () => undefined,
});

const row = (id: string): OperationRow => ({
  operation_id: id,
  principal_id: 'trader-1',
  kind: 'FILE',
  account_id: 'gdcustoms/agent',
  transaction: 'Declaration:File',
  args: [],
  transient: {},
  declaration_id: null,
  state: 'succeeded',
  attempts: 1,
  transaction_id: 'tx-1',
  envelope: null,
  result: null,
  error: null,
  block_number: '7',
  request_sha256: 'ab',
  created_at: new Date(0),
  updated_at: new Date(0),
});

describe('operation waiter', () => {
  it('hands over the row this process recorded, even one recorded before the wait began', async () => {
    const waiter = createOperationWaiter(notifications());
    const watch = waiter.watch('op-1');
    waiter.ended(row('op-2'));
    waiter.ended(row('op-1'));
    const isDone = jest.fn(async () => false);
    await expect(watch.until(1_000, isDone)).resolves.toEqual(row('op-1'));
    expect(isDone).not.toHaveBeenCalled();
  });

  it('is woken by a NOTIFY of its operation, and times out without one', async () => {
    const n = notifications();
    const waiter = createOperationWaiter(n);
    const woken = waiter.watch('op-1').until(1_000);
    n.events.emit(OPERATION_CHANNEL, 'op-9');
    n.events.emit(OPERATION_CHANNEL, 'op-1');
    await expect(woken).resolves.toBe(true);
    await expect(waiter.watch('op-3').until(20)).resolves.toBe(false);
  });

  it('reads again after the LISTEN connection came back, not before', async () => {
    const n = notifications();
    const waiter = createOperationWaiter(n);
    const isDone = jest.fn(async () => true);
    const woken = waiter.watch('op-1').until(1_000, isDone, false);
    await new Promise((r) => setTimeout(r, 10));
    expect(isDone).not.toHaveBeenCalled();
    n.events.emit(RECONNECTED);
    await expect(woken).resolves.toBe(true);
    expect(isDone).toHaveBeenCalledTimes(1);
  });

  it('stops listening once it answered', async () => {
    const n = notifications();
    const waiter = createOperationWaiter(n);
    const watch = waiter.watch('op-1');
    waiter.ended(row('op-1'));
    await watch.until(1_000);
    expect(n.events.listenerCount(OPERATION_CHANNEL)).toBe(0);
    const stopped = waiter.watch('op-2');
    stopped.stop();
    expect(n.events.listenerCount(OPERATION_CHANNEL)).toBe(0);
  });

  it('wait() still reads first (an operation that may have ended before the wait)', async () => {
    const waiter = createOperationWaiter(notifications());
    await expect(waiter.wait('op-1', 1_000, async () => true)).resolves.toBe(true);
  });
});
