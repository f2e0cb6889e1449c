/**
 * Reading evidence: a signed reading, its place in an anchored batch and the audit path,
 * enough to check offline that the ledger's root for that batch commits to the reading.
 */
import { canonicalBytes, fromHex, toHex } from '@clearance/core';
import { z } from 'zod';
import { inclusionProof, merkleRoot, verifyInclusion } from './merkle';
import { SignedReadingSchema, type SignedReading } from '../seals/devices/reading';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

export const ReadingProofSchema = z
  .object({
    sealId: z.string().min(1).max(64),
    batchNo: z.number().int().min(1),
    reading: SignedReadingSchema,
    leafIndex: z.number().int().min(0),
    treeSize: z.number().int().min(1),
    path: z.array(hex32).max(64),
    merkleRoot: hex32,
  })
  .strict();
export type ReadingProof = z.infer<typeof ReadingProofSchema>;

/** The leaf of a reading: RFC 8785 JSON of the signed reading (signature included). */
export function readingLeaf(signed: SignedReading): Uint8Array {
  return canonicalBytes(signed);
}

export function batchRoot(batch: readonly SignedReading[]): string {
  return toHex(merkleRoot(batch.map(readingLeaf)));
}

export function proveReading(
  sealId: string,
  batchNo: number,
  batch: readonly SignedReading[],
  index: number,
): ReadingProof {
  const leaves = batch.map(readingLeaf);
  return {
    sealId,
    batchNo,
    reading: batch[index] as SignedReading,
    leafIndex: index,
    treeSize: batch.length,
    path: inclusionProof(leaves, index).map(toHex),
    merkleRoot: toHex(merkleRoot(leaves)),
  };
}

/** True when the proof leads from the reading to `anchoredRoot` (the root on the ledger). */
export function checkReadingProof(proof: ReadingProof, anchoredRoot: string): boolean {
  return (
    proof.merkleRoot === anchoredRoot &&
    verifyInclusion(
      readingLeaf(proof.reading),
      proof.leafIndex,
      proof.treeSize,
      proof.path.map(fromHex),
      fromHex(anchoredRoot),
    )
  );
}
