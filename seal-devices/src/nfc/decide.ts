/**
 * `--decide`: right after a tap is recorded, the agent asks the gateway for the boundary
 * decision (POST /v1/crossings). The Idempotency-Key is derived from the seal and the tap's
 * counter, so an agent that retries (or restarts mid-request) asks for the same crossing.
 * No I/O of its own: the caller passes `fetch`.
 */
import { createHash } from 'node:crypto';

export const DIRECTIONS = ['NORTHBOUND', 'SOUTHBOUND'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export function parseDirection(value: string | undefined): Direction {
  const found = DIRECTIONS.find((d) => d === value?.toUpperCase());
  if (!found) throw new Error(`--decide needs a direction: ${DIRECTIONS.join(' or ')}`);
  return found;
}

/** The Idempotency-Key for the decision on one tap. */
export function decisionKey(sealId: string, counter: number): string {
  return `tap-${createHash('sha256').update(`${sealId}\n${counter}`).digest('hex').slice(0, 40)}`;
}

export interface RecordedTap {
  sealId: string;
  counter: number;
}

export function isRecordedTap(body: unknown): body is RecordedTap {
  return (
    typeof body === 'object' &&
    body !== null &&
    'sealId' in body &&
    typeof body.sealId === 'string' &&
    'counter' in body &&
    typeof body.counter === 'number'
  );
}

export interface DecisionAnswer {
  status: number;
  body: unknown;
}

/** Asks for GO or INSPECT on a recorded tap; the gateway answers once it is committed. */
export async function requestDecision(
  fetchFn: typeof fetch,
  options: {
    checksUrl: string;
    token?: string | undefined;
    controlPoint: string;
    direction: Direction;
  },
  tap: RecordedTap,
): Promise<DecisionAnswer> {
  const res = await fetchFn(new URL('/v1/crossings', options.checksUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': decisionKey(tap.sealId, tap.counter),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({
      sealId: tap.sealId,
      controlPoint: options.controlPoint,
      direction: options.direction,
    }),
  });
  const body: unknown = await res.json().catch(() => null);
  return { status: res.status, body };
}
