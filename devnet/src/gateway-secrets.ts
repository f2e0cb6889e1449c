/**
 * What a gateway needs that must not be committed: the key encryption key of the
 * officers' private keys, NFC tag keys, and the demo officers' passwords. Made once per
 * devnet (mode 600 under `<root>/gateway/`), reused after, gone with `devnet reset`. On one
 * host one gateway serves every officer (`.devnet/gateway/`); across hosts each
 * organisation's gateway has its own, for its own officers only, under its host's folder.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ONE_HOST_OFFICERS, type OfficerDef } from './definition';

export interface GatewaySecrets {
  identityKek: string;
  tagMetaKey: string;
  tagMasterKey: string;
  /** The bearer token of the gateway's /metrics (absent from secrets made before it). */
  metricsToken?: string;
  /** `<org>/<name>` → password, for officers who sign in (not the filing agents). */
  passwords: Record<string, string>;
}

/** Filing agents act for traders; nobody signs in as one. */
export const signsIn = (role: string): boolean => role !== 'filing-agent';

export function gatewaySecrets(
  devnetRoot: string,
  officers: readonly OfficerDef[] = ONE_HOST_OFFICERS,
): GatewaySecrets {
  const file = path.join(devnetRoot, 'gateway', 'secrets.json');
  const existing = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as GatewaySecrets)
    : undefined;
  // An officer defined after the devnet was made (a new lane device) gets a password too.
  const missing = officers.filter(
    (o) => signsIn(o.role) && existing?.passwords[`${o.org}/${o.name}`] === undefined,
  );
  if (existing && missing.length === 0 && existing.metricsToken) return existing;
  const secrets: GatewaySecrets = {
    identityKek: existing?.identityKek ?? randomBytes(32).toString('hex'),
    tagMetaKey: existing?.tagMetaKey ?? randomBytes(16).toString('hex'),
    tagMasterKey: existing?.tagMasterKey ?? randomBytes(16).toString('hex'),
    metricsToken: existing?.metricsToken ?? randomBytes(24).toString('base64url'),
    passwords: {
      ...existing?.passwords,
      ...Object.fromEntries(
        missing.map((o) => [`${o.org}/${o.name}`, randomBytes(9).toString('base64url')]),
      ),
    },
  };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
