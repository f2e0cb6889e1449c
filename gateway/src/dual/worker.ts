/**
 * The other half of a dual filing: this organisation's node files (or amends) its
 * jurisdiction's half of each submission the other side received, from the submission on
 * the ledger (every peer holds every namespace's public state), verifying the same
 * signature there. The work to do is read from the ledger itself (Declaration:PendingHalves)
 * and FileHalf is idempotent by submission id and version, so a crash between any two steps,
 * or an outage of this side, loses nothing: the next pass after start or catch-up files what
 * is missing. This side's commercial values, when this gateway received the submission, come
 * from its own store (DualCommercialStore); otherwise FileHalf takes the values the receiving
 * side handed over through the ledger, or records the signed hash only if it has none.
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
  /** The periodic sweep (default 5000 ms): the safety net for events missed across a crash. */
  intervalMs?: number;
  onError?(error: unknown): void;
  onFiled?(half: { jurisdiction: Jurisdiction; submissionId: string; version: number }): void;
}

const Pending = z.array(PendingHalfSchema);

/**
 * One pass: files every pending half of the jurisdictions it files for, then settles the
 * index entries of submissions received on those sides whose other half is filed; resolves
 * with the count of halves filed.
 */
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
    await settle(agent, jurisdiction, options);
  }
  return filed;
}

/**
 * Clears this side's index entries whose other half is on the ledger (SettleableHalves,
 * then SettleHalves by id): a pass with nothing to settle writes nothing.
 * A failure (an MVCC clash with a new filing, say) leaves them for the next pass.
 */
async function settle(
  agent: Ledger,
  receivedIn: Jurisdiction,
  options: DualWorkerOptions,
): Promise<void> {
  try {
    const settleable = Pending.parse(
      JSON.parse(await agent.evaluate('Declaration:SettleableHalves', [receivedIn])),
    );
    // By id (point reads): filings meanwhile do not invalidate it, as a range read would.
    for (let i = 0; i < settleable.length; i += 200)
      await agent.submit('Declaration:SettleHalves', [
        receivedIn,
        JSON.stringify(settleable.slice(i, i + 200).map((e) => e.submissionId)),
      ]);
  } catch (error) {
    options.onError?.(error);
  }
}

export interface DualWorker {
  /**
   * Asks for a pass (after a dual event, say): pokes in one burst make one pass, started on
   * the next turn of the event loop; pokes during a pass make one more after it.
   */
  poke(): void;
  stop(): Promise<void>;
}

export function startDualWorker(options: DualWorkerOptions): DualWorker {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let scheduled: ReturnType<typeof setTimeout> | undefined;
  const run = (): void => {
    scheduled = undefined;
    if (stopped) return;
    running = fileAllPendingHalves(options)
      .then(() => undefined)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
  };
  // No floor between passes: a pass reads only pending halves (the index), so its cost
  // follows the work, and a burst of events still makes one pass (coalesced here).
  const schedule = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    scheduled ??= setTimeout(run, 0);
  };
  const timer = setInterval(schedule, options.intervalMs ?? 5000);
  schedule();
  return {
    poke: schedule,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (scheduled) clearTimeout(scheduled);
      await running;
    },
  };
}
