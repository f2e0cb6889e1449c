/**
 * The demo traders as the demo signs with them: each one's PKCS#12 file (made by
 * `demo traders`), opened with OpenSSL, its key imported into WebCrypto; filings and the
 * sign-in challenge signed as the portal signs them (detached CMS).
 */
import { signDetached, type Jurisdiction } from '@clearance/domain';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import type { ChallengeSigner } from '@clearance/testkit/gateway';

export interface DemoTrader extends ChallengeSigner {
  jurisdiction: Jurisdiction;
  /** The certificate's subject, as the portal shows it. */
  subject: string;
}

/** The PKCS#12 file of the demo trader of `jurisdiction` under the demo folder. */
export const traderFile = (demoDir: string, jurisdiction: Jurisdiction): string =>
  path.join(demoDir, 'traders', `${jurisdiction.toLowerCase()}-trader.p12`);

function pemBlock(text: string, label: string): string {
  const begin = text.indexOf(`-----BEGIN ${label}-----`);
  const endMarker = `-----END ${label}-----`;
  const end = text.indexOf(endMarker, begin);
  if (begin < 0 || end < 0) throw new Error(`the PKCS#12 file holds no ${label}`);
  return text.slice(begin, end + endMarker.length);
}

/** Opens a demo trader's PKCS#12 file with its password. */
export async function loadTrader(
  demoDir: string,
  jurisdiction: Jurisdiction,
  password: string,
): Promise<DemoTrader> {
  const pem = execFileSync(
    'openssl',
    ['pkcs12', '-in', traderFile(demoDir, jurisdiction), '-nodes', '-passin', 'env:P12_PASSWORD'],
    { env: { ...process.env, P12_PASSWORD: password }, encoding: 'utf8' },
  );
  const certificate = new X509Certificate(pemBlock(pem, 'CERTIFICATE'));
  const key = createPrivateKey(pemBlock(pem, 'PRIVATE KEY'));
  const algorithm =
    key.asymmetricKeyType === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  const privateKey = await globalThis.crypto.subtle.importKey(
    'pkcs8',
    key.export({ type: 'pkcs8', format: 'der' }),
    algorithm,
    false,
    ['sign'],
  );
  const der = new Uint8Array(certificate.raw);
  return {
    jurisdiction,
    subject: certificate.subject,
    sign: (content) => signDetached(content, der, privateKey, new Date()),
  };
}
