/**
 * PKCS#12 files for tests, made from a test PKI signer two ways: by OpenSSL (PBES2 with
 * AES-256 and a SHA-256 MAC, as current tools write them; any key type) and by node-forge
 * (3DES and a SHA-1 MAC, as older e-Cert files are; RSA only).
 */
import type { TestSigner } from '@clearance/testkit/chaincode';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

async function privateKeyPem(signer: TestSigner): Promise<string> {
  const der = Buffer.from(await globalThis.crypto.subtle.exportKey('pkcs8', signer.privateKey));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

export async function pkcs12WithOpenssl(signer: TestSigner, password: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'p12-'));
  try {
    writeFileSync(join(dir, 'key.pem'), await privateKeyPem(signer), { mode: 0o600 });
    writeFileSync(join(dir, 'cert.pem'), signer.certificatePem);
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        join(dir, 'key.pem'),
        '-in',
        join(dir, 'cert.pem'),
        '-name',
        'trader',
        '-passout',
        'env:P12_PASSWORD',
        '-out',
        join(dir, 'trader.p12'),
      ],
      { env: { ...process.env, P12_PASSWORD: password } },
    );
    return new Uint8Array(readFileSync(join(dir, 'trader.p12')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function pkcs12WithForge(signer: TestSigner, password: string): Promise<Uint8Array> {
  const key = forge.pki.privateKeyFromPem(await privateKeyPem(signer));
  const cert = forge.pki.certificateFromPem(signer.certificatePem);
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, { algorithm: '3des' });
  return Uint8Array.from(forge.asn1.toDer(asn1).getBytes(), (c) => c.charCodeAt(0));
}
