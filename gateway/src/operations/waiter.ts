/**
 * Waits for operations to end, woken by PostgreSQL NOTIFY (sent in the same statement that
 * records the outcome), so `Prefer: wait` answers as soon as the commit is known, from
 * whichever gateway process ran the job. An outcome this process recorded itself is handed
 * over in process with its row (`ended`), so the waiting request need not read it again.
 * After the LISTEN connection came back (notifications may have been lost meanwhile), it
 * reads again.
 */
import { EventEmitter } from 'node:events';
import { RECONNECTED, type Notifications } from '../notifications';
import { OPERATION_CHANNEL, type OperationRow } from './store';

/** Listening for one operation's end, from the moment it was made. */
export interface OperationWatch {
  /**
   * Resolves with the row when this process recorded the end, true when another told of
   * it (NOTIFY) or `isDone` found it ended, false when `ms` passed first. Stops listening.
   * `isDone` is asked after the LISTEN connection came back (a NOTIFY may have been lost),
   * and first of all only if `readFirst` (not for an operation watched since it was made).
   */
  until(
    ms: number,
    isDone?: () => Promise<boolean>,
    readFirst?: boolean,
  ): Promise<OperationRow | boolean>;
  /** Stops listening without waiting. */
  stop(): void;
}

export interface OperationWaiter {
  /** Resolves true when the operation ended, false when `ms` passed first. */
  wait(operationId: string, ms: number, isDone: () => Promise<boolean>): Promise<boolean>;
  /**
   * Starts listening now: watching before the operation is enqueued, nothing can end it
   * unseen, so a new operation needs no read before the wait.
   */
  watch(operationId: string): OperationWatch;
  /** An outcome this process recorded (the row as it ended): wakes its watchers. */
  ended(row: OperationRow): void;
}

export function createOperationWaiter(notifications: Notifications): OperationWaiter {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const watch = (operationId: string): OperationWatch => {
    let settle: (value: OperationRow | boolean) => void = () => undefined;
    let early: OperationRow | boolean | undefined;
    const onNotify = (id: string) => {
      if (id === operationId) settle(true);
    };
    const onEnded = (row: OperationRow) => settle(row);
    let recheck: (() => void) | undefined;
    // Until `until` is called, what arrives is kept.
    settle = (value) => {
      if (early === undefined || typeof early === 'boolean') early = value;
    };
    notifications.events.on(OPERATION_CHANNEL, onNotify);
    local.on(operationId, onEnded);
    const stop = () => {
      notifications.events.off(OPERATION_CHANNEL, onNotify);
      local.off(operationId, onEnded);
      if (recheck) notifications.events.off(RECONNECTED, recheck);
    };
    return {
      stop,
      async until(ms, isDone, readFirst = true) {
        let timer: NodeJS.Timeout | undefined;
        try {
          if (early !== undefined) return early;
          const outcome = new Promise<OperationRow | boolean>((resolve, reject) => {
            let done = false;
            settle = (value) => {
              // A row (this process's own record) is worth more than a NOTIFY: keep waiting
              // for neither once either came, but prefer the row if both are already here.
              if (done) return;
              done = true;
              resolve(value);
            };
            recheck = () => {
              isDone?.().then((ended) => ended && settle(true), reject);
            };
            notifications.events.on(RECONNECTED, recheck);
            timer = setTimeout(() => settle(false), ms);
          });
          if (readFirst && isDone && (await isDone())) return true;
          return await outcome;
        } finally {
          stop();
          clearTimeout(timer);
        }
      },
    };
  };
  return {
    watch,
    ended(row) {
      local.emit(row.operation_id, row);
    },
    async wait(operationId, ms, isDone) {
      return (await watch(operationId).until(ms, isDone)) !== false;
    },
  };
}
