/** Who is signed in, the trader's opened certificate (memory only), live events, announcements. */
import { createContext } from 'preact';
import { useContext, useEffect, useRef } from 'preact/hooks';
import type { LedgerEvent, Principal } from '../api/types';
import type { Credential } from '../esign/pkcs12';

export interface Session {
  principal: Principal;
  /** The trader's key, kept in this page's memory only; gone on reload. */
  credential: Credential | null;
  setCredential(credential: Credential): void;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export type LiveListener = (name: string, event: LedgerEvent) => void;
export interface Live {
  subscribe(listener: LiveListener): () => void;
}
export const LiveContext = createContext<Live>({ subscribe: () => () => undefined });

/** Calls `listener` for each ledger event on the stream while the component is mounted. */
export function useLiveEvents(listener: LiveListener): void {
  const live = useContext(LiveContext);
  const current = useRef(listener);
  current.current = listener;
  useEffect(() => live.subscribe((name, event) => current.current(name, event)), [live]);
}

/** Says something to screen readers (and shows it): polite by default, assertive for alarms. */
export type Announce = (message: string, urgency?: 'polite' | 'assertive') => void;
export const AnnounceContext = createContext<Announce>(() => undefined);
export const useAnnounce = (): Announce => useContext(AnnounceContext);
