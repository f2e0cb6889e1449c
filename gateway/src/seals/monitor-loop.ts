/**
 * The seal monitor: every pass, each applied seal's new readings are folded into its watch
 * state (monitor.ts) and each alarm kind found is raised on the ledger once
 * (Seal:RecordAlarm, which holds the declarations the seal covers). Which kinds were
 * raised, and which a joint inspection cleared since, is read from the ledger's seal
 * record, so a restarted gateway raises none twice, and a kind found again past a clearing
 * is raised anew.
 */
import type { SealResult } from '@clearance/domain';
import { ROUTES } from '@clearance/domain/node';
import type { Pool } from 'pg';
import { createContractClient } from '../ports/contract';
import { ledgerRefusal, type Ledger } from '../ports/ledger';
import { READING_TIME } from './queries';
import {
  DEFAULT_POLICY,
  dueAlarms,
  initialWatch,
  mayBeDueAgain,
  newestOccurrence,
  observe,
  type MonitorPolicy,
  type TrackPoint,
  type WatchState,
} from './monitor';

const PAGE = 5000;

export interface SealMonitor {
  /** A seal got readings: watch it even before the index knows it. */
  touch(sealId: string): void;
  /** One pass over the watched seals; resolves with the alarms raised. */
  runOnce(): Promise<{ sealId: string; kind: string }[]>;
  stop(): Promise<void>;
}

interface Watched {
  seal: SealResult;
  state: WatchState;
  done: boolean;
  /** When the seal record was read, and the newest occurrence of an alarm kind seen by then
   * (null: read before this process folded any reading in). */
  readAt: number;
  readThrough: number | null;
}

/** How often a seal whose alarm may have been cleared by a crossing is read again, at most. */
const REREAD_MS = 60_000;

export function startSealMonitor(options: {
  pool: Pool;
  /** An identity allowed to record alarms (the seal operator). */
  ledger: Ledger;
  intervalMs?: number;
  policy?: MonitorPolicy;
  now?: () => number;
  onError?(error: unknown): void;
  onAlarm?(sealId: string, kind: string, transactionId: string): void;
}): SealMonitor {
  const policy = options.policy ?? DEFAULT_POLICY;
  const now = options.now ?? Date.now;
  const contract = createContractClient(options.ledger);
  const touched = new Set<string>();
  const watched = new Map<string, Watched>();

  const load = async (sealId: string): Promise<Watched | undefined> => {
    let w = watched.get(sealId);
    if (!w) {
      try {
        const seal = await contract.seal.get(sealId);
        const state = initialWatch();
        w = { seal, state, done: seal.state !== 'APPLIED', readAt: now(), readThrough: null };
      } catch (error) {
        if (ledgerRefusal(error) === 'NOT_FOUND') return undefined;
        throw error;
      }
      watched.set(sealId, w);
    }
    return w;
  };

  const judge = async (sealId: string): Promise<{ sealId: string; kind: string }[]> => {
    const w = await load(sealId);
    if (!w || w.done) return [];
    const route = ROUTES.find((r) => r.id === w.seal.routeId);
    for (;;) {
      const { rows } = await options.pool.query<TrackPoint>(
        `SELECT counter::float8 AS counter, ${READING_TIME}, lat, lon, event,
                signed->'reading'->>'lock' AS lock
         FROM readings WHERE seal_id = $1 AND device_id = $2 AND counter > $3
         ORDER BY counter LIMIT $4`,
        [sealId, w.seal.deviceId, w.state.lastCounter, PAGE],
      );
      w.state = observe(route, w.state, rows, policy);
      if (rows.length < PAGE) break;
    }
    // Clearings are recorded by crossings, not by this loop: read the seal again when an
    // alarm's kind occurred anew since the last read, or now and then while one may be due.
    const newest = newestOccurrence(w.state);
    w.readThrough ??= newest;
    if (
      mayBeDueAgain(w.state, w.seal.alarms) &&
      (newest > w.readThrough || now() - w.readAt >= REREAD_MS)
    ) {
      w.seal = await contract.seal.get(sealId);
      w.readAt = now();
      w.readThrough = newest;
    }
    const raised: { sealId: string; kind: string }[] = [];
    const due = dueAlarms({
      route,
      appliedAt: w.seal.applied.at,
      state: w.state,
      raised: w.seal.alarms,
      now: now(),
      policy,
    });
    for (const alarm of due) {
      try {
        const { committed, result } = await contract.seal.recordAlarm(
          sealId,
          alarm.kind,
          alarm.detail,
        );
        options.onAlarm?.(sealId, alarm.kind, committed.transactionId);
        raised.push({ sealId, kind: alarm.kind });
        // The transaction's result is the seal as recorded with this alarm: never raised twice.
        w.seal = result;
      } catch (error) {
        // Removed meanwhile: nothing more to watch.
        if (ledgerRefusal(error) !== 'INVALID_STATE') throw error;
        w.done = true;
        break;
      }
    }
    return raised;
  };

  const runOnce = async (): Promise<{ sealId: string; kind: string }[]> => {
    // Applied seals, and those this process already knows of (to forget them once removed).
    const { rows } = await options.pool.query<{ seal_id: string; state: string }>(
      `SELECT seal_id, state FROM seals WHERE state = 'APPLIED' OR seal_id = ANY($1::text[])`,
      [[...touched, ...watched.keys()]],
    );
    const ids = new Set([
      ...touched,
      ...rows.filter((r) => r.state === 'APPLIED').map((r) => r.seal_id),
    ]);
    for (const r of rows) {
      if (r.state !== 'REMOVED') continue;
      ids.delete(r.seal_id);
      watched.delete(r.seal_id);
    }
    touched.clear();
    const raised: { sealId: string; kind: string }[] = [];
    for (const sealId of ids) {
      try {
        raised.push(...(await judge(sealId)));
      } catch (error) {
        touched.add(sealId); // try again next pass
        options.onError?.(error);
      }
    }
    return raised;
  };

  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => (stopped ? [] : runOnce()))
      .catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? 5000);
  timer.unref();
  return {
    touch: (sealId) => touched.add(sealId),
    runOnce: () => {
      const pass = running.catch(() => undefined).then(runOnce);
      running = pass.catch(() => undefined);
      return pass;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
