/**
 * Waits for operations to end, woken by PostgreSQL NOTIFY (sent in the same statement that
 * records the outcome), so `Prefer: wait` answers as soon as the commit is known, from
 * whichever gateway process ran the job. After the LISTEN connection came back (notifications
 * may have been lost meanwhile), it reads again.
 */
import { RECONNECTED, type Notifications } from '../notifications';
import { OPERATION_CHANNEL } from './store';

export interface OperationWaiter {
  /** Resolves true when the operation ended, false when `ms` passed first. */
  wait(operationId: string, ms: number, isDone: () => Promise<boolean>): Promise<boolean>;
}

export function createOperationWaiter(notifications: Notifications): OperationWaiter {
  return {
    async wait(operationId, ms, isDone) {
      let listener: ((id: string) => void) | undefined;
      let recheck: (() => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      const notified = new Promise<boolean>((resolve, reject) => {
        listener = (id) => {
          if (id === operationId) resolve(true);
        };
        recheck = () => {
          isDone().then((done) => done && resolve(true), reject);
        };
        notifications.events.on(OPERATION_CHANNEL, listener);
        notifications.events.on(RECONNECTED, recheck);
        timer = setTimeout(() => resolve(false), ms);
      });
      try {
        // Checked after listening, so an end between the check and the wait is not missed.
        if (await isDone()) return true;
        return await notified;
      } finally {
        if (listener) notifications.events.off(OPERATION_CHANNEL, listener);
        if (recheck) notifications.events.off(RECONNECTED, recheck);
        clearTimeout(timer);
      }
    },
  };
}
