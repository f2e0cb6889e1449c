/**
 * The trust list as verification anchors, read from the ledger and kept for a short while:
 * sign-ins and filings verify signatures against it, and asking the peer each time cost
 * a round trip per request. Dropped as soon as the index sees the list change, and after
 * TTL_MS in any case.
 */
import {
  toTrustAnchor,
  verifyDetachedSignature,
  type VerifiedSignature,
  type TrustAnchor,
} from '@clearance/domain';
import { ApiError } from './errors';
import { createContractClient } from './ports/contract';
import type { Ledger } from './ports/ledger';
import type { Notifications } from './notifications';
import { EVENTS_CHANNEL } from './projection/store';

const TTL_MS = 5_000;

export type TrustAnchors = () => Promise<TrustAnchor[]>;

export function cachedTrustAnchors(
  ledger: Ledger,
  notifications?: Notifications,
  now: () => number = Date.now,
): TrustAnchors {
  const contract = createContractClient(ledger);
  let cached: { anchors: Promise<TrustAnchor[]>; until: number } | undefined;
  notifications?.events.on(EVENTS_CHANNEL, (eventName: string) => {
    if (eventName === 'TrustListChanged') cached = undefined;
  });
  return () => {
    if (!cached || cached.until <= now()) {
      const anchors = contract.trustList.list().then((list) => list.map(toTrustAnchor));
      cached = { anchors, until: now() + TTL_MS };
      // A failed read is not kept: the next request asks again.
      anchors.catch(() => (cached = undefined));
    }
    return cached.anchors;
  };
}

/** verifyDetachedSignature, or the same run on worker threads (signature-workers.ts). */
export type SignatureVerifier = typeof verifyDetachedSignature;

/**
 * Checks a detached signature against the trust list as it stands now, for `client` (the
 * asker's address): at most `perClient` of one client's checks and `total` checks in all
 * wait or run at once. Past `perClient` the asker gets 429 RATE_LIMITED, past `total` 503
 * BUSY, at once: a flood of sign-ins queues no unbounded work behind the workers.
 */
export type SignatureCheck = (
  content: Uint8Array,
  cms: Uint8Array,
  client: string,
) => Promise<VerifiedSignature>;

export const SIGNATURE_CHECK_LIMITS = { perClient: 8, total: 64 } as const;

export function signatureCheck(
  anchors: TrustAnchors,
  verify: SignatureVerifier = verifyDetachedSignature,
  limits: { perClient: number; total: number } = SIGNATURE_CHECK_LIMITS,
): SignatureCheck {
  const byClient = new Map<string, number>();
  let total = 0;
  return async (content, cms, client) => {
    const mine = byClient.get(client) ?? 0;
    if (mine >= limits.perClient)
      throw new ApiError('RATE_LIMITED', 'Wait for your signature checks under way to finish.');
    if (total >= limits.total) throw new ApiError('BUSY');
    byClient.set(client, mine + 1);
    total++;
    try {
      return await verify(content, cms, await anchors(), new Date());
    } finally {
      total--;
      const left = (byClient.get(client) ?? 1) - 1;
      if (left > 0) byClient.set(client, left);
      else byClient.delete(client);
    }
  };
}
