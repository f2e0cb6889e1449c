/**
 * The signature check on a filing, in process and per algorithm: verifyDetachedSignature
 * (CMS, signature, certification path, CRLs, policy) with the caches warm, as the chaincode
 * runs it for every filing of a trader it has seen before. Needs no devnet.
 *
 *   node load/dist/esign-bench.js [--n 200]   (also the first part of npm run bench:chaincode)
 */
import { canonicalBytes } from '@clearance/core';
import { verifyDetachedSignature, type TrustAnchor } from '@clearance/domain';
import { createChainPki, createTestPki } from '@clearance/testkit/chaincode';
import { summary } from './stats';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

interface Case {
  label: string;
  sign(content: Uint8Array): Promise<Uint8Array>;
  anchors: TrustAnchor[];
}

async function median(c: Case, n: number): Promise<number> {
  const contents = Array.from({ length: n + 20 }, (_, i) =>
    canonicalBytes({ declaration: { declarationId: `BENCH-${i}`, note: '粵港' } }),
  );
  const signatures = await Promise.all(contents.map((content) => c.sign(content)));
  const samples: number[] = [];
  const at = new Date();
  for (let i = 0; i < contents.length; i++) {
    const t0 = performance.now();
    await verifyDetachedSignature(
      contents[i] as Uint8Array,
      signatures[i] as Uint8Array,
      c.anchors,
      at,
    );
    if (i >= 20) samples.push(performance.now() - t0); // the first ones fill the caches
  }
  const s = summary(samples);
  console.log(
    `  ${c.label.padEnd(54)}: p50 ${s.p50.toFixed(3)} ms  p95 ${s.p95.toFixed(3)} ms  (n=${s.n})`,
  );
  return s.p50;
}

async function main(): Promise<void> {
  const n = arg('--n', 200);
  const today = await createTestPki();
  const chains = await createChainPki();
  console.log('signature check on a filing (verifyDetachedSignature, in process, caches warm):');
  const rsa = await median(
    {
      label: 'RSA-2048, CA listed (two levels, as before paths)',
      sign: (content) => today.signers.hkTrader.sign(content),
      anchors: today.anchors(),
    },
    n,
  );
  const rsaPath = await median(
    {
      label: 'RSA-2048, root listed, CA and CRL in the CMS',
      sign: (content) => chains.hk.trader.sign(content),
      anchors: [chains.hk.anchorAtRoot()],
    },
    n,
  );
  await median(
    {
      label: 'ECDSA P-256, CA listed (two levels)',
      sign: (content) => today.signers.gdTrader.sign(content),
      anchors: today.anchors(),
    },
    n,
  );
  const sm2 = await median(
    {
      label: 'SM2/SM3, CA listed (two levels)',
      sign: (content) => chains.gd.trader.sign(content),
      anchors: [chains.gd.anchorAtIntermediate()],
    },
    n,
  );
  const sm2Path = await median(
    {
      label: 'SM2/SM3, root listed, CA and CRL in the CMS',
      sign: (content) => chains.gd.trader.sign(content),
      anchors: [chains.gd.anchorAtRoot()],
    },
    n,
  );
  console.log(
    `  SM2 / RSA p50 ratio (two levels)                      : ${(sm2 / rsa).toFixed(2)}`,
  );
  console.log(
    `  SM2 / RSA p50 ratio (root listed)                     : ${(sm2Path / rsaPath).toFixed(2)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
