#!/usr/bin/env node
/**
 * Checks a reading's inclusion proof offline against the root anchored on the ledger.
 *
 *   seal-proof <proof.json> --root <hex root from Seal:GetAnchors> [--public-key <device.pem>]
 *
 * Exit 0: the reading is in the anchored batch (and signed by the device, when its key is
 * given); exit 1: it is not; exit 2: the input is unusable.
 */
import * as fs from 'node:fs';
import { ReadingProofSchema, checkReadingProof, verifyReading } from '@clearance/domain/node';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
  const file = process.argv[2];
  const root = option('--root');
  if (!file || !root || !/^[0-9a-f]{64}$/.test(root)) {
    console.error(
      'usage: seal-proof <proof.json> --root <64 hex digits> [--public-key <device.pem>]',
    );
    return 2;
  }
  let proof;
  try {
    proof = ReadingProofSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (error) {
    console.error(
      `seal-proof: ${file} is not a reading proof (${(error as Error).message.split('\n')[0]})`,
    );
    return 2;
  }
  const included = checkReadingProof(proof, root);
  const keyFile = option('--public-key');
  const signed = keyFile
    ? verifyReading(proof.reading, fs.readFileSync(keyFile, 'utf8'))
    : undefined;
  const r = proof.reading.reading;
  console.log(
    `${included ? 'INCLUDED' : 'NOT INCLUDED'}: reading ${r.deviceId} #${r.counter} (${r.event} at ${r.time}) ` +
      `in seal ${proof.sealId} batch ${proof.batchNo}` +
      (signed === undefined
        ? ''
        : signed
          ? ', device signature valid'
          : ', DEVICE SIGNATURE INVALID'),
  );
  return included && signed !== false ? 0 : 1;
}

process.exit(main());
