/**
 * A simulated FDX-B reader at the unloading bay (no LF reader hardware here): it reports the
 * frames of the animals walking past — each tag read one or more times, some missed, some
 * frames corrupted in the air, a stray tag from the next pen — as a real reader's serial
 * stream would. Deterministic for a seed.
 */
import { encodeFrame } from './fdx-b';

export interface ReaderScenario {
  earTags: readonly string[];
  /** Share of tags never read (0..1). */
  missRate?: number;
  /** Share of frames corrupted (one bit flipped). */
  corruptRate?: number;
  /** Tags read that are not on the truck. */
  strays?: readonly string[];
  /** Reads of each tag (repeats as the animal passes the antenna). */
  repeats?: number;
  seed?: number;
}

/** mulberry32: a small seeded generator, enough for a simulation. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function* simulatedReader(scenario: ReaderScenario): AsyncGenerator<Uint8Array> {
  const next = random(scenario.seed ?? 1);
  const tags = [...scenario.earTags, ...(scenario.strays ?? [])];
  for (const tag of tags) {
    if (scenario.earTags.includes(tag) && next() < (scenario.missRate ?? 0)) continue;
    for (let r = 0; r < (scenario.repeats ?? 2); r++) {
      const frame = encodeFrame(tag);
      if (next() < (scenario.corruptRate ?? 0)) {
        const at = Math.floor(next() * 8);
        frame[at] = (frame[at] ?? 0) ^ (1 << Math.floor(next() * 8));
      }
      yield frame;
    }
  }
}
