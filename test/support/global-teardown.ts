import { Devnet } from '@clearance/devnet';

export default async function teardown(): Promise<void> {
  if (!(globalThis as { devnetWasRunning?: boolean }).devnetWasRunning) {
    await new Devnet({ log: () => undefined }).down();
  }
}
