/**
 * E-lock readings: what a device reports, signed with its own ECDSA P-256 key over the
 * RFC 8785 JSON of the reading (node/reading-signature.ts), with a counter that must
 * strictly increase per device.
 */
import { z } from 'zod';

export const LOCK_EVENTS = [
  'POSITION',
  'GEOFENCE_ENTER',
  'GEOFENCE_EXIT',
  'SEALED',
  'OPENED',
  'TAMPER',
  'LOW_BATTERY',
] as const;

export const ReadingSchema = z
  .object({
    deviceId: z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, '3-32 of A-Z 0-9 -'),
    counter: z
      .number()
      .int()
      .min(1)
      .max(2 ** 48),
    time: z.iso.datetime({ offset: false }),
    position: z
      .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
      .strict(),
    speedKmh: z.number().min(0).max(250),
    lock: z.enum(['SEALED', 'OPEN']),
    batteryPct: z.number().int().min(0).max(100),
    event: z.enum(LOCK_EVENTS),
    /** The control point a geofence event concerns. */
    controlPoint: z
      .string()
      .regex(/^[A-Z]{3,8}$/)
      .optional(),
  })
  .strict();
export type Reading = z.infer<typeof ReadingSchema>;

export const SignedReadingSchema = z
  .object({ reading: ReadingSchema, signature: z.string().regex(/^[A-Za-z0-9+/]{40,200}={0,2}$/) })
  .strict();
export type SignedReading = z.infer<typeof SignedReadingSchema>;

export type CounterVerdict = 'NEXT' | 'GAP' | 'REPLAY';

/**
 * Judges each counter of a device's batch against the last accepted one, in the order the
 * readings arrive: not larger → REPLAY (refused); larger by more than one → GAP
 * (accepted, reported: readings were lost on the way). `outOfOrder` says the batch itself
 * went backwards at some point.
 */
export function judgeCounters(
  lastAccepted: number,
  counters: readonly number[],
): { verdicts: CounterVerdict[]; outOfOrder: boolean } {
  let last = lastAccepted;
  let previous = -Infinity;
  let outOfOrder = false;
  const verdicts = counters.map((c): CounterVerdict => {
    if (c < previous) outOfOrder = true;
    previous = c;
    if (c <= last) return 'REPLAY';
    const verdict = c === last + 1 ? 'NEXT' : 'GAP';
    last = c;
    return verdict;
  });
  return { verdicts, outOfOrder };
}
