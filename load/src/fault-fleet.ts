/**
 * The fleet beside the filings of `npm run faults`: sealed trucks (the seal-devices
 * simulator's readings, signed by each e-lock) posting a batch a second through the
 * gateway's readings route, each truck in counter order, a batch sent again while its
 * answer is not 202 (as a device would). Afterwards: whether every acknowledged reading is
 * anchored exactly once on the ledger, in the batch the index gives it.
 */
import { AnchorRecordSchema } from '@clearance/domain';
import type { Ledger } from '@clearance/gateway';
import type { SignedReading } from '@clearance/domain/node';
import type { Pool } from 'pg';
import { anchoredOnce, type AckedReading } from './fault-figures';
import { readingsOf, sealTrucks, type Truck } from './readings-bench';

const TRUCKS = 4;
const READINGS_PER_S = 10;
/** A batch unanswered for this long is given up (counted not acknowledged). */
const RESEND_MS = 120_000;

export interface FleetRun {
  /** Resolves when every truck has posted all it had. */
  done: Promise<void>;
  /** Acknowledged readings, by seal: stored (accepted, or REPLAY: stored before). */
  acknowledged: Map<string, number[]>;
}

export interface FleetFigures {
  readings_acknowledged: number;
  readings_anchored_once: number;
  readings_lost: number;
  readings_duplicates: number;
}

/** Seals the trucks of one fault on the ledger (before its load starts). */
export function sealFleet(
  as: (who: string) => Ledger,
  run: string,
  prefix: string,
  declarationId: string,
): Promise<Truck[]> {
  return sealTrucks(as, run, prefix, TRUCKS, declarationId);
}

/** Posts a batch of readings to the gateway's readings route, as a device does. */
export async function postReadings(base: string, readings: readonly SignedReading[]) {
  const res = await fetch(`${base}/v1/seals/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ readings }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as {
    accepted?: number;
    rejected?: { index: number; reason: string }[];
  };
  return { status: res.status, accepted: body.accepted, rejected: body.rejected ?? [] };
}

/** Each truck posts READINGS_PER_S readings a second for `seconds`, from `t0`. */
export function driveFleet(base: string, trucks: readonly Truck[], t0: number, seconds: number) {
  const acknowledged = new Map<string, number[]>(trucks.map((t) => [t.sealId, []]));
  const drive = async (truck: Truck): Promise<void> => {
    const all = readingsOf(truck, seconds * READINGS_PER_S);
    const acked = acknowledged.get(truck.sealId) as number[];
    for (let i = 0; i * READINGS_PER_S < all.length; i++) {
      const batch = all.slice(i * READINGS_PER_S, (i + 1) * READINGS_PER_S);
      const due = t0 + i * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      for (;;) {
        const res = await postReadings(base, batch).catch(() => undefined);
        // UNKNOWN_DEVICE: the gateway's peer has not the seal yet; nothing was stored.
        const unknown = res?.rejected.some((r) => r.reason === 'UNKNOWN_DEVICE');
        if (res?.status === 202 && !unknown) {
          const refused = new Set(
            res.rejected.filter((r) => r.reason !== 'REPLAY').map((r) => r.index),
          );
          batch.forEach((r, k) => refused.has(k) || acked.push(r.reading.counter));
          break;
        }
        if (Date.now() - due > RESEND_MS) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const run: FleetRun = {
    done: Promise.all(trucks.map(drive)).then(() => undefined),
    acknowledged,
  };
  return run;
}

/** Once everything acknowledged is anchored (or `timeoutMs` passed): exactly once each? */
export async function fleetFigures(
  pool: Pool,
  ledger: Ledger,
  fleet: FleetRun,
  timeoutMs = 180_000,
): Promise<FleetFigures> {
  const seals = [...fleet.acknowledged.keys()];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM readings WHERE seal_id = ANY($1) AND batch_id IS NULL',
      [seals],
    );
    if (rows[0]?.n === 0 || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const figures = { acknowledged: 0, once: 0, lost: 0, duplicates: 0 };
  for (const [sealId, counters] of fleet.acknowledged) {
    const anchors = AnchorRecordSchema.array().parse(
      JSON.parse(await ledger.evaluate('Seal:GetAnchors', [sealId])),
    );
    const { rows } = await pool.query<{ counter: string; batch_id: string | null }>(
      'SELECT counter, batch_id FROM readings WHERE seal_id = $1',
      [sealId],
    );
    const batchOf = new Map(rows.map((r) => [Number(r.counter), r.batch_id]));
    const acked: AckedReading[] = counters.map((counter) => ({
      counter,
      batchId: batchOf.get(counter) ?? null,
    }));
    const seal = anchoredOnce(acked, anchors);
    figures.acknowledged += acked.length;
    figures.once += seal.once;
    figures.lost += seal.lost;
    figures.duplicates += seal.duplicates;
  }
  return {
    readings_acknowledged: figures.acknowledged,
    readings_anchored_once: figures.once,
    readings_lost: figures.lost,
    readings_duplicates: figures.duplicates,
  };
}
