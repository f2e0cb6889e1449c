/**
 * The whole system for browser tests: the gateway on the devnet (test/support/devnet-stack)
 * serving the API and the built portal on one origin (as `npm start` does).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { startDevnetStack, type DevnetStack } from '../../support/devnet-stack';

export const OFFICER_PASSWORD = 'e2e officer password';
export const PORTAL_DIR = path.join(__dirname, '..', '..', '..', 'portal', 'dist');

export type Stack = DevnetStack;

export async function startStack(
  run: string,
  options: { evidence?: boolean } = {},
): Promise<Stack> {
  execFileSync(process.execPath, [path.join(PORTAL_DIR, '..', 'build.mjs')], { stdio: 'ignore' });
  return startDevnetStack({ run, password: OFFICER_PASSWORD, portalDir: PORTAL_DIR, ...options });
}
