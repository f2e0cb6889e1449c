/**
 * What a fault run needs of the devnet, decided before anything starts: the Raft faults
 * need three orderers. A devnet not made yet is made with them; one made with fewer (the
 * count is fixed when the network is created) is made again only when asked
 * (`--reset-devnet`: its ledger is wiped); otherwise the run stops at once, saying how to
 * go on. Pure: the caller reads the devnet and acts.
 */
export interface FaultNeeds {
  name: string;
  /** Orderers the fault needs (default 1). */
  orderers?: 1 | 3;
}

export type DevnetPlan =
  | { action: 'use' }
  | { action: 'create'; orderers: 1 | 3 }
  | { action: 'reset'; orderers: 3; because: string[] };

export class FaultPlanError extends Error {
  readonly code = 'DEVNET_UNFIT';
  constructor(message: string) {
    super(message);
    this.name = 'FaultPlanError';
  }
}

export function devnetPlan(
  faults: readonly FaultNeeds[],
  /** The orderers of the devnet as made, or undefined when there is none yet. */
  existing: 1 | 3 | undefined,
  resetAllowed: boolean,
): DevnetPlan {
  const raft = faults.filter((f) => (f.orderers ?? 1) === 3).map((f) => f.name);
  const needed = raft.length > 0 ? 3 : 1;
  if (existing === undefined) return { action: 'create', orderers: needed };
  if (existing >= needed) return { action: 'use' };
  if (resetAllowed) return { action: 'reset', orderers: 3, because: raft };
  const others = faults.filter((f) => !raft.includes(f.name)).map((f) => f.name);
  throw new FaultPlanError(
    `${raft.join(' and ')} ${raft.length > 1 ? 'need' : 'needs'} a devnet of 3 orderers (a Raft cluster); this devnet was made with ${existing}. ` +
      `Either let the run make it again with 3 (its ledger is wiped): npm run faults -- --reset-devnet; ` +
      `or make it yourself: npm run devnet -- reset && npm run devnet -- up --orderers 3` +
      (others.length > 0
        ? `; or run the other faults: npm run faults -- --only ${others.join(',')}`
        : ''),
  );
}
