// Integration runs leave the machine as they found it: a devnet they brought up is taken
// down at the end (global-teardown.ts), whichever test file ran last; one that was
// already running before the run stays up.
import { Devnet } from '@clearance/devnet';

export default async function setup(): Promise<void> {
  const running = new Devnet({ log: () => undefined }).runningPids().length > 0;
  (globalThis as { devnetWasRunning?: boolean }).devnetWasRunning = running;
}
