/** Hash routes (#/declarations/ID): the gateway serves one index.html for the portal. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'sign-in' }
  | { page: 'declarations' }
  | { page: 'new' }
  | { page: 'declaration'; id: string }
  | { page: 'amend'; id: string }
  | { page: 'queue' }
  | { page: 'seals'; sealId?: string }
  | { page: 'lane'; controlPoint: string }
  | { page: 'trace'; kind?: string; id?: string }
  | { page: 'farm'; farmId?: string }
  | { page: 'arrival' }
  | { page: 'pair'; id: string }
  | { page: 'dual-new' }
  | { page: 'dual-amend'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (first === 'declarations' && second === 'new') return { page: 'new' };
  if (first === 'declarations' && second && third === 'amend') return { page: 'amend', id: second };
  if (first === 'declarations' && second) return { page: 'declaration', id: second };
  if (first === 'declarations') return { page: 'declarations' };
  if (first === 'queue') return { page: 'queue' };
  if (first === 'dual' && second === 'new') return { page: 'dual-new' };
  if (first === 'pairs' && second && third === 'amend') return { page: 'dual-amend', id: second };
  if (first === 'pairs' && second) return { page: 'pair', id: second };
  if (first === 'lane' && second) return { page: 'lane', controlPoint: second };
  if (first === 'farms') return second ? { page: 'farm', farmId: second } : { page: 'farm' };
  if (first === 'arrival') return { page: 'arrival' };
  if (first === 'trace')
    return second && third ? { page: 'trace', kind: second, id: third } : { page: 'trace' };
  if (first === 'seals') return second ? { page: 'seals', sealId: second } : { page: 'seals' };
  return { page: 'sign-in' };
}

export const href = {
  declarations: () => '#/declarations',
  newDeclaration: () => '#/declarations/new',
  declaration: (id: string) => `#/declarations/${encodeURIComponent(id)}`,
  amend: (id: string) => `#/declarations/${encodeURIComponent(id)}/amend`,
  queue: () => '#/queue',
  pair: (id: string) => `#/pairs/${encodeURIComponent(id)}`,
  newDual: () => '#/dual/new',
  amendPair: (id: string) => `#/pairs/${encodeURIComponent(id)}/amend`,
  seals: (sealId?: string) => (sealId ? `#/seals/${encodeURIComponent(sealId)}` : '#/seals'),
  lane: (controlPoint: string) => `#/lane/${encodeURIComponent(controlPoint)}`,
  trace: (kind?: string, id?: string) =>
    kind && id ? `#/trace/${encodeURIComponent(kind)}/${encodeURIComponent(id)}` : '#/trace',
  farm: (farmId?: string) => (farmId ? `#/farms/${encodeURIComponent(farmId)}` : '#/farms'),
  arrival: () => '#/arrival',
  signIn: () => '#/sign-in',
};

export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
