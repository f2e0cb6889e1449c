/**
 * Merkle trees over reading batches, as RFC 9162 (Certificate Transparency 2.0) defines
 * them: leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 || left || right), so a
 * leaf can never pass for a node. One root per batch is anchored on the ledger; anyone
 * holding a reading and its proof can check it against that root, offline.
 */
import { createHash } from 'node:crypto';

export type Hash = Uint8Array;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

export const leafHash = (leaf: Uint8Array): Hash => sha256(new Uint8Array([0]), leaf);
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(new Uint8Array([1]), left, right);

/** Largest power of two strictly smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOf(hashes: readonly Hash[]): Hash {
  if (hashes.length === 1) return hashes[0] as Hash;
  const k = split(hashes.length);
  return nodeHash(rootOf(hashes.slice(0, k)), rootOf(hashes.slice(k)));
}

export function merkleRoot(leaves: readonly Uint8Array[]): Hash {
  if (leaves.length === 0) return sha256();
  return rootOf(leaves.map(leafHash));
}

/** The audit path of leaf `index`, bottom-up (RFC 9162 §2.1.3.1). */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Hash[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length)
    throw new RangeError('leaf index out of range');
  const path = (hashes: readonly Hash[], m: number): Hash[] => {
    if (hashes.length === 1) return [];
    const k = split(hashes.length);
    return m < k
      ? [...path(hashes.slice(0, k), m), rootOf(hashes.slice(k))]
      : [...path(hashes.slice(k), m - k), rootOf(hashes.slice(0, k))];
  };
  return path(leaves.map(leafHash), index);
}

/** Checks an inclusion proof (RFC 9162 §2.1.3.2). */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.length === root.length && r.every((b, i) => b === root[i]);
}
