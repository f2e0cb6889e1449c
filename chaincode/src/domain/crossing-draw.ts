/**
 * The random selection's draw (domain/crossing.ts explains its inputs): node:crypto's
 * sha256, so this module stays out of the domain index the portal bundles.
 */
import { createHash } from 'node:crypto';

/** The deterministic draw in [0, 1): the first 48 bits of sha256 over its inputs. */
export function drawOf(inputs: readonly string[]): number {
  const digest = createHash('sha256').update(inputs.join('\n')).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
