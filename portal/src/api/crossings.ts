/** Crossings from the index, every page of a query (the lane's window, a declaration's few). */
import { call } from './client';
import { CrossingPage, type CrossingSummary } from './types';

type Page = { items: CrossingSummary[]; nextCursor: string | null };

/** Pages followed at most: a lane's 12 hours at 500 a page. */
const MAX_PAGES = 20;

export async function fetchCrossings(query: Record<string, string>): Promise<CrossingSummary[]> {
  const all: CrossingSummary[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params: URLSearchParams = new URLSearchParams({
      ...query,
      limit: '500',
      ...(cursor ? { cursor } : {}),
    });
    const next: Page = await call(CrossingPage, 'GET', `/v1/crossings?${params}`);
    all.push(...next.items);
    cursor = next.nextCursor;
    if (!cursor) break;
  }
  return all;
}
