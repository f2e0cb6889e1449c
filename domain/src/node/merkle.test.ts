import { toHex } from '@clearance/core';
import { inclusionProof, leafHash, merkleRoot, nodeHash, verifyInclusion } from './merkle';

const leaves = (n: number) =>
  Array.from({ length: n }, (_, i) => new TextEncoder().encode(`reading-${i}`));
const hex = toHex;

describe('Merkle trees (RFC 9162)', () => {
  it('hashes the empty tree, one leaf and three leaves as the RFC defines', () => {
    expect(hex(merkleRoot([]))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const [a, b, c] = leaves(3) as [Uint8Array, Uint8Array, Uint8Array];
    expect(hex(merkleRoot([a]))).toBe(hex(leafHash(a)));
    expect(hex(merkleRoot([a, b, c]))).toBe(
      hex(nodeHash(nodeHash(leafHash(a), leafHash(b)), leafHash(c))),
    );
  });

  it('proves every leaf of trees of every size up to 33', () => {
    for (let n = 1; n <= 33; n++) {
      const all = leaves(n);
      const root = merkleRoot(all);
      for (let i = 0; i < n; i++) {
        expect(verifyInclusion(all[i] as Uint8Array, i, n, inclusionProof(all, i), root)).toBe(
          true,
        );
      }
    }
  });

  it('rejects a changed leaf, a wrong index, a wrong size or a changed proof', () => {
    const all = leaves(11);
    const root = merkleRoot(all);
    const proof = inclusionProof(all, 6);
    const leaf = all[6] as Uint8Array;
    expect(verifyInclusion(new TextEncoder().encode('reading-X'), 6, 11, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 11, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, 6, 20, proof, root)).toBe(false); // the anchored size binds the root
    expect(verifyInclusion(leaf, 6, 11, proof.slice(1), root)).toBe(false);
    const bent = proof.map((p, i) => (i === 0 ? p.map((b, j) => (j === 0 ? b ^ 1 : b)) : p));
    expect(verifyInclusion(leaf, 6, 11, bent, root)).toBe(false);
    expect(verifyInclusion(leaf, 11, 11, proof, root)).toBe(false);
  });
});
