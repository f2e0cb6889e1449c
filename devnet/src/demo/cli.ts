#!/usr/bin/env node
/**
 * Demo traders for a local devnet (`npm start` runs it): a GD and an HK test certificate
 * authority put on the trust list by the trust administrators (each proposed by its own
 * side's and approved by the other side's), and one trader of each as
 * a PKCS#12 file the portal signs in with. Made once; kept while the authorities are on
 * the ledger.
 *
 *   demo traders <out-dir> <gd-trust-admin-connection> <hk-trust-admin-connection>
 *   demo life <demo-dir> <connections-dir>   (input on stdin: see life.ts)
 */
import { createTestPki, listAuthority, type TestSigner } from '@clearance/testkit/chaincode';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, createFabricLedger, TRANSACTIONS } from '@clearance/gateway';
import { runLifeCommand } from './life';
import { MadeSchema, type Made } from './made';

function pem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** PKCS#12 as current tools write it (PBES2, AES-256, SHA-256 MAC), by OpenSSL. */
async function writePkcs12(signer: TestSigner, password: string, file: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(path.dirname(file), '.p12-'));
  try {
    const key = await globalThis.crypto.subtle.exportKey('pkcs8', signer.privateKey);
    fs.writeFileSync(path.join(dir, 'key.pem'), pem('PRIVATE KEY', key), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'cert.pem'), signer.certificatePem);
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        path.join(dir, 'key.pem'),
        '-in',
        path.join(dir, 'cert.pem'),
        '-name',
        path.basename(file, '.p12'),
        '-passout',
        'env:P12_PASSWORD',
        '-out',
        file,
      ],
      { env: { ...process.env, P12_PASSWORD: password } },
    );
    fs.chmodSync(file, 0o600);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [command, out, gdAdmin, hkAdmin] = process.argv.slice(2);
  if (command === 'life') return runLifeCommand(process.argv.slice(3));
  if (command !== 'traders' || !out || !gdAdmin || !hkAdmin)
    throw new Error(
      'usage: demo traders <out-dir> <gd-trust-admin-connection> <hk-trust-admin-connection>',
    );
  const gd = createFabricLedger(loadConfig({ FABRIC_CONNECTION: gdAdmin }).fabric);
  const hk = createFabricLedger(loadConfig({ FABRIC_CONNECTION: hkAdmin }).fabric);
  const record = path.join(out, 'demo.json');
  try {
    if (fs.existsSync(record)) {
      const made = MadeSchema.parse(JSON.parse(fs.readFileSync(record, 'utf8')));
      const onLedger = await Promise.all(
        made.authorities.map((id) =>
          gd.evaluate(TRANSACTIONS.TrustList.GetAuthority, [id]).then(
            () => true,
            () => false,
          ),
        ),
      );
      if (onLedger.every(Boolean)) return;
    }
    fs.mkdirSync(path.join(out, 'traders'), { recursive: true, mode: 0o700 });
    const pki = await createTestPki({
      idSuffix: `DEMO${randomBytes(2).toString('hex').toUpperCase()}`,
    });
    // Each authority as any trust-list change is made: proposed by its own side's trust
    // administrator, approved by the other side's.
    await listAuthority(gd, hk, pki.gd);
    await listAuthority(hk, gd, pki.hk);
    const password = randomBytes(6).toString('base64url');
    await writePkcs12(pki.signers.gdTrader, password, path.join(out, 'traders', 'gd-trader.p12'));
    await writePkcs12(pki.signers.hkTrader, password, path.join(out, 'traders', 'hk-trader.p12'));
    const made: Made = { authorities: [pki.gd.authorityId, pki.hk.authorityId], password };
    fs.writeFileSync(record, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
    fs.writeFileSync(
      path.join(out, 'README.txt'),
      `Demo traders (test certificate authorities ${made.authorities.join(', ')} are on the trust list):\n` +
        `  ${path.join(out, 'traders', 'gd-trader.p12')}  (GD Trader, ECDSA P-256)\n` +
        `  ${path.join(out, 'traders', 'hk-trader.p12')}  (HK Trader, RSA)\n` +
        `  password: ${password}\n`,
      { mode: 0o600 },
    );
  } finally {
    await gd.close();
    await hk.close();
  }
}

main().catch((error: unknown) => {
  console.error('demo:', error instanceof Error ? error.message : error);
  process.exit(1);
});
