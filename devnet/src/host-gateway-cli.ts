#!/usr/bin/env node
/**
 * Runs ON an organisation's host (started through `HostsDevnet.via`/`startOnHost`, inside
 * the host's namespaces, where other organisations' keys are hidden):
 *
 *   host-gateway prepare <org> <host-root> <connections-dir>   (env: DATABASE_URL)
 *     makes the gateway's secrets for this organisation's officers only (key encryption
 *     key, tag keys, passwords; `<host-root>/gateway/secrets.json`, mode 600), stores each
 *     officer's identity in the gateway's accounts (key sealed), writes the sign-in sheet.
 *   host-gateway serve <org> <host-root>                       (env: the gateway's, less secrets)
 *     runs the gateway with the secrets of `<host-root>` (they never pass through the
 *     launcher's command line or environment).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVERY_OFFICER, type OfficerDef } from './definition';
import { REPO_ROOT } from './devnet';
import { DevnetError, printError } from './errors';
import { gatewaySecrets, signsIn, type GatewaySecrets } from './gateway-secrets';

const GATEWAY_DIST = path.join(REPO_ROOT, 'gateway', 'dist');
const ORG_KEY = /^[a-z0-9-]{1,32}$/;

/** The officers whose accounts a gateway of `org` holds: its own, no one else's. */
export const officersOf = (org: string): OfficerDef[] => EVERY_OFFICER.filter((o) => o.org === org);

/** Where a host's gateway keeps its secrets and sign-in sheet. */
export const gatewayDir = (hostRoot: string): string => path.join(hostRoot, 'gateway');

export function readGatewaySecrets(hostRoot: string): GatewaySecrets {
  const file = path.join(gatewayDir(hostRoot), 'secrets.json');
  if (!fs.existsSync(file))
    throw new DevnetError('STEP_FAILED', `no gateway secrets in ${file}`, 'run `prepare` first');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as GatewaySecrets;
}

function prepare(org: string, hostRoot: string, connections: string): void {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new DevnetError('BAD_ARGUMENT', 'prepare needs DATABASE_URL');
  const officers = officersOf(org);
  const secrets = gatewaySecrets(hostRoot, officers);
  const manifest = officers.map((o) => ({
    organisation: o.org,
    username: o.name,
    role: o.role,
    ...(o.controlPoint ? { controlPoint: o.controlPoint } : {}),
    connectionFile: path.join(connections, o.org, `${o.name}.json`),
    ...(signsIn(o.role) ? { password: secrets.passwords[`${o.org}/${o.name}`] } : {}),
  }));
  const imported = spawnSync(
    process.execPath,
    [path.join(GATEWAY_DIST, 'auth', 'cli.js'), 'import'],
    {
      input: JSON.stringify(manifest),
      env: { ...process.env, DATABASE_URL: databaseUrl, IDENTITY_KEK: secrets.identityKek },
      encoding: 'utf8',
    },
  );
  if (imported.status !== 0)
    throw new DevnetError('STEP_FAILED', `importing ${org}'s accounts failed: ${imported.stderr}`);
  const lines = Object.entries(secrets.passwords).map(([account, password]) => {
    const [organisation, username] = account.split('/');
    return `  ${(organisation ?? '').padEnd(10)} ${(username ?? '').padEnd(12)} ${password}`;
  });
  fs.writeFileSync(
    path.join(gatewayDir(hostRoot), 'sign-in.txt'),
    `Officer sign-in at ${org}'s gateway (organisation, username, password):\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
}

async function serve(hostRoot: string): Promise<void> {
  const secrets = readGatewaySecrets(hostRoot);
  process.env.IDENTITY_KEK = secrets.identityKek;
  process.env.TAG_META_KEY = secrets.tagMetaKey;
  process.env.TAG_MASTER_KEY = secrets.tagMasterKey;
  if (secrets.metricsToken) process.env.METRICS_TOKEN = secrets.metricsToken;
  // The gateway's server reads its configuration when it starts, here, in this process.
  await import(path.join(GATEWAY_DIST, 'server.js'));
}

async function main(argv: string[]): Promise<void> {
  const [command, org, hostRoot, connections] = argv;
  if (!org || !ORG_KEY.test(org) || !hostRoot)
    throw new DevnetError(
      'BAD_ARGUMENT',
      'usage: host-gateway prepare <org> <host-root> <connections-dir> | serve <org> <host-root>',
    );
  if (command === 'prepare' && connections) return prepare(org, hostRoot, connections);
  if (command === 'serve') return serve(hostRoot);
  throw new DevnetError('BAD_ARGUMENT', `host-gateway does not know ${command ?? '(nothing)'}`);
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) => {
    printError(error);
    process.exit(1);
  });
