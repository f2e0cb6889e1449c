/**
 * The RFID reader agent at Man Kam To: collects the ear tags an FDX-B reader reports while a
 * truck unloads (frames decoded and checked, repeats counted once, bad frames counted and
 * dropped), then posts them as the arrival check of the consignment
 * (POST /v1/livestock/consignments/:id/arrival) under the officer's session. The ledger
 * compares them with the certificate. No I/O of its own: the caller passes the reader and
 * `fetch`.
 */
import { decodeFrame, FdxbFrameError, type FrameError } from './fdx-b';

export interface ReadSummary {
  earTags: string[];
  frames: number;
  rejected: Partial<Record<FrameError, number>>;
}

/** Distinct ear tags from the reader's frames, in first-read order. */
export async function collectEarTags(frames: AsyncIterable<Uint8Array>): Promise<ReadSummary> {
  const seen = new Set<string>();
  const rejected: Partial<Record<FrameError, number>> = {};
  let count = 0;
  for await (const frame of frames) {
    count++;
    try {
      seen.add(decodeFrame(frame));
    } catch (error) {
      if (!(error instanceof FdxbFrameError)) throw error;
      rejected[error.code] = (rejected[error.code] ?? 0) + 1;
    }
  }
  return { earTags: [...seen], frames: count, rejected };
}

export interface PostOptions {
  gatewayUrl: string;
  token: string;
  consignmentId: string;
  /** Names this unloading: the same key again answers with the same arrival record. */
  idempotencyKey: string;
  controlPoint?: 'MKT';
}

/** Posts the read ear tags as the arrival check; resolves with the gateway's JSON answer. */
export async function postArrival(
  fetchFn: typeof fetch,
  options: PostOptions,
  summary: ReadSummary,
): Promise<unknown> {
  const url = new URL(
    `/v1/livestock/consignments/${encodeURIComponent(options.consignmentId)}/arrival`,
    options.gatewayUrl,
  );
  const res = await fetchFn(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${options.token}`,
      'idempotency-key': options.idempotencyKey,
    },
    body: JSON.stringify({
      controlPoint: options.controlPoint ?? 'MKT',
      earTagsRead: summary.earTags,
      note: `RFID: ${summary.frames} frames, ${Object.values(summary.rejected).reduce((a, b) => a + b, 0)} rejected`,
    }),
  });
  const body: unknown = await res.json();
  if (!res.ok) throw new Error(`arrival check refused (${res.status}): ${JSON.stringify(body)}`);
  return body;
}
