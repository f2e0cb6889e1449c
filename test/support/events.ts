import type { ChaincodeEvent, Network } from '@clearance/fabric-client';

/** Reads chaincode events from `startBlock` until the one of `transactionId` arrives. */
export async function eventFor(
  network: Network,
  chaincode: string,
  transactionId: string,
  startBlock: bigint,
  timeoutMs = 30_000,
): Promise<ChaincodeEvent> {
  const events = await network.getChaincodeEvents(chaincode, { startBlock });
  const timer = setTimeout(() => events.close(), timeoutMs);
  try {
    for await (const event of events) {
      if (event.transactionId === transactionId) return event;
    }
    throw new Error(`no event for ${transactionId} within ${timeoutMs} ms`);
  } finally {
    clearTimeout(timer);
    events.close();
  }
}

/** Collects `count` chaincode events that match, reading from `startBlock`. */
export async function eventsFor(
  network: Network,
  chaincode: string,
  startBlock: bigint,
  count: number,
  matches: (event: ChaincodeEvent) => boolean,
  timeoutMs = 30_000,
): Promise<ChaincodeEvent[]> {
  const events = await network.getChaincodeEvents(chaincode, { startBlock });
  const timer = setTimeout(() => events.close(), timeoutMs);
  const found: ChaincodeEvent[] = [];
  try {
    for await (const event of events) {
      if (matches(event)) found.push(event);
      if (found.length === count) return found;
    }
    throw new Error(`only ${found.length} of ${count} events within ${timeoutMs} ms`);
  } finally {
    clearTimeout(timer);
    events.close();
  }
}
