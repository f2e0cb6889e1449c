/**
 * The gateway's event stream (SSE). EventSource sends the session cookie, resumes with
 * Last-Event-ID after a drop, and needs a listener per event name.
 */
import { EVENTS } from '@clearance/domain';
import { LedgerEvent } from './types';

export type EventHandler = (name: string, event: LedgerEvent) => void;

export function openEventStream(
  onEvent: EventHandler,
  onState: (connected: boolean) => void,
): () => void {
  const source = new EventSource('/v1/events');
  source.onopen = () => onState(true);
  source.onerror = () => onState(source.readyState === EventSource.OPEN);
  for (const name of Object.values(EVENTS)) {
    source.addEventListener(name, (message: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        console.warn(`event ${name} ${message.lastEventId}: data is not JSON`);
        return;
      }
      const parsed = LedgerEvent.safeParse(data);
      if (parsed.success) onEvent(name, parsed.data);
      else console.warn(`event ${name} ${message.lastEventId}: unexpected payload`, parsed.error);
    });
  }
  return () => source.close();
}
