/**
 * The other half of a dual filing: this organisation's node files (or amends) its
 * jurisdiction's half of each submission the other side received, from the submission on
 * the ledger (every peer holds every namespace's public state), verifying the same
 * signature there. The work to do is read from the ledger itself (Declaration:PendingHalves)
 * and FileHalf is idempotent by submission id and version, so a crash between any two steps,
 * or an outage of this side, loses nothing: the next pass after start or catch-up files what
 * is missing. This side's commercial values, when this gateway received the submission, come
 * from its own store (DualCommercialStore); otherwise the half records the signed hash only.
 */
import { JURISDICTIONS, PendingHalfSchema, type Jurisdiction } from '@clearance/domain';
import { z } from 'zod';
import type { Ledger } from '../ports/ledger';

export interface DualCommercialStore {
  /** This side's commercial values (JSON) for a submission version, if this gateway has them. */
  get(
    submissionId: string,
    version: number,
    jurisdiction: Jurisdiction,
  ): Promise<string | undefined>;
}

export interface DualWorkerOptions {
  /** The filing agent's ledger of each jurisdiction this gateway files for. */
  agents: Partial<Record<Jurisdiction, () => Promise<Ledger>>>;
  commercial?: DualCommercialStore;
  intervalMs?: number;
  /** The least time between the starts of two passes (default 1000 ms). */
  minGapMs?: number;
  onError?(error: unknown): void;
  onFiled?(half: { jurisdiction: Jurisdiction; submissionId: string; version: number }): void;
}

const Pending = z.array(PendingHalfSchema);

/** One pass: files every pending half of the jurisdictions it files for; resolves with their count. */
export async function fileAllPendingHalves(options: DualWorkerOptions): Promise<number> {
  let filed = 0;
  for (const jurisdiction of JURISDICTIONS) {
    const agentOf = options.agents[jurisdiction];
    if (!agentOf) continue;
    const agent = await agentOf();
    const pending = Pending.parse(
      JSON.parse(await agent.evaluate('Declaration:PendingHalves', [jurisdiction])),
    );
    for (const half of pending) {
      try {
        const values = await options.commercial?.get(half.submissionId, half.version, jurisdiction);
        await agent.submit(
          'Declaration:FileHalf',
          [jurisdiction, half.submissionId, half.receivedIn],
          values === undefined ? undefined : { commercial: values },
        );
        filed++;
        options.onFiled?.({ jurisdiction, submissionId: half.submissionId, version: half.version });
      } catch (error) {
        // One half refused (or an MVCC clash with a concurrent pass) must not stop the others.
        options.onError?.(error);
      }
    }
  }
  return filed;
}

export interface DualWorker {
  /** Runs a pass now (after an event, say) unless one is running. */
  poke(): void;
  stop(): Promise<void>;
}

export function startDualWorker(options: DualWorkerOptions): DualWorker {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  // Passes at most one a second however many events poke it: each pass reads every
  // submission of the other side, and a burst of filings must not turn into a burst of passes.
  const minGapMs = options.minGapMs ?? 1000;
  let lastStart = 0;
  let delayed: ReturnType<typeof setTimeout> | undefined;
  const pass = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    const wait = lastStart + minGapMs - Date.now();
    if (wait > 0) {
      delayed ??= setTimeout(() => {
        delayed = undefined;
        pass();
      }, wait);
      return;
    }
    lastStart = Date.now();
    running = fileAllPendingHalves(options)
      .then(() => undefined)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          pass();
        }
      });
  };
  // Events poke it at once; the timer is the fallback (after an outage, a missed event).
  const timer = setInterval(pass, options.intervalMs ?? 5000);
  pass();
  return {
    poke: pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (delayed) clearTimeout(delayed);
      await running;
    },
  };
}
