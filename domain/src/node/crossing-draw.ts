/**
 * The random selection's draw (domain/crossing.ts explains what its inputs are and why):
 * node:crypto's sha256, so this module stays out of the domain index the portal bundles.
 *
 * How anyone recomputes a recorded draw from a crossing record (`draw.inputs`, in order:
 * the version prefix DRAW_VERSION, "crossing-draw-v1", the crossing's transaction id, the seal id, the
 * control point, the tap's counter in decimal ("0" with no tap), the seal's apply
 * transaction id):
 *   1. join the inputs with a line feed (U+000A) between them, none at the end;
 *   2. take SHA-256 of that text's UTF-8 bytes;
 *   3. read the first 6 bytes of the digest as an unsigned big-endian integer n (48 bits);
 *   4. the draw is n / 2^48, in [0, 1); the crossing is selected when draw < rate.
 * In a shell: `printf '%s\n' "${inputs[@]}" | head -c -1 | sha256sum | cut -c1-12` gives n
 * in hex. A new way of drawing would get a new version prefix.
 */
import { createHash } from 'node:crypto';

/** The deterministic draw in [0, 1): steps 1-4 above. */
export function drawOf(inputs: readonly string[]): number {
  const digest = createHash('sha256').update(inputs.join('\n'), 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
