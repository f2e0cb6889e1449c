import { Devnet } from '@clearance/network';

export default async function teardown(): Promise<void> {
  if (!(globalThis as { devnetWasRunning?: boolean }).devnetWasRunning) {
    await new Devnet({ log: () => undefined }).down();
  }
}
