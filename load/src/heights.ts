/**
 * Samplers for the fault runs: every node's channel height from its operations endpoint
 * (`ledger_blockchain_height`), and what the gateway's /readyz says, at a fixed interval.
 */
import { PEER_ORGS, type Devnet } from '@clearance/devnet';
import { channelHeightOf, type HeightSample, type ReadySample } from './fault-figures';

export interface Sampler<T> {
  /** The samples taken so far. */
  peek(): T[];
  /** Stops sampling; resolves with every sample taken. */
  stop(): Promise<T[]>;
}

function every<T>(intervalMs: number, take: () => Promise<T>): Sampler<T> {
  const samples: T[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      samples.push(await take());
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
    }
  })();
  return {
    peek: () => [...samples],
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** The devnet process name of each peer (`peer-hkcustoms`) by its endpoint, and back. */
export const PEER_ENDPOINTS: Readonly<Record<string, string>> = Object.fromEntries(
  PEER_ORGS.map((org) => [`peer-${org.key}`, `${org.peer.host}:${org.peer.port}`]),
);

async function heightAt(url: string, channel: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1000) });
    return channelHeightOf(await res.text(), channel);
  } catch {
    return undefined; // stopped or hung: absent from the sample
  }
}

export function sampleHeights(devnet: Devnet, channel: string, intervalMs = 500) {
  const orderers = devnet.orderers();
  const peers = PEER_ORGS.map((org) => ({
    name: `peer-${org.key}`,
    url: `http://${org.peer.host}:${org.peer.operationsPort}`,
  }));
  const read = async (nodes: { name: string; url: string }[]) =>
    Object.fromEntries(
      (await Promise.all(nodes.map(async (n) => [n.name, await heightAt(n.url, channel)]))).filter(
        (e): e is [string, number] => e[1] !== undefined,
      ),
    );
  return every<HeightSample>(intervalMs, async () => {
    const at = Date.now();
    const [o, p] = await Promise.all([
      read(orderers.map((n) => ({ name: n.name, url: n.operationsUrl }))),
      read(peers),
    ]);
    return { at, orderers: o, peers: p };
  });
}

/** /readyz of the gateway at `base`: its status and the endpoints it names. */
export function sampleReadiness(base: string, intervalMs = 1000) {
  return every<ReadySample>(intervalMs, async () => {
    const at = Date.now();
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3000) });
      const body = (await res.json()) as {
        status?: string;
        ledger?: {
          lagging?: { endpoint: string }[];
          down?: { endpoint: string; since?: string }[];
        };
      };
      const down = body.ledger?.down ?? [];
      return {
        at,
        status: body.status ?? String(res.status),
        lagging: body.ledger?.lagging?.map((l) => l.endpoint) ?? [],
        down: down.map((d) => d.endpoint),
        downSince: Object.fromEntries(down.map((d) => [d.endpoint, d.since ?? ''])),
      };
    } catch {
      return { at, status: 'no answer', lagging: [], down: [] };
    }
  });
}
