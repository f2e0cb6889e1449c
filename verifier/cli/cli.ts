#!/usr/bin/env node
/**
 * clearance-verify: checks an evidence bundle offline (no network) against a pinned trust
 * root and prints the verdict in plain words with every check.
 *
 *   clearance-verify bundle.json --trust-root trust-root.json [--declaration ID]
 *                    [--crossing ID] [--lang en|zh-HK|zh-CN] [--json]
 *
 * The trust root is pinned once by whoever relies on bundles (the file both customs services
 * publish): --trust-root, else CLEARANCE_TRUST_ROOT, else ~/.config/clearance/trust-root.json
 * ($XDG_CONFIG_HOME). Never one that came with the bundle. Exit status: 0 valid, 1 not valid,
 * 2 the command could not run (usage, unreadable file).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  LANGUAGES,
  verdict,
  verifyBundle,
  type Language,
  type VerificationReport,
} from '@clearance/verifier';

export const USAGE =
  'usage: clearance-verify <bundle.json> --trust-root <trust-root.json> [--declaration ID] [--crossing ID] [--lang en|zh-HK|zh-CN] [--json]';

export interface CliOptions {
  bundle: string;
  trustRoot: string;
  declarationId?: string;
  crossingId?: string;
  language: Language;
  json: boolean;
}

export class UsageError extends Error {}

export function parseArguments(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): CliOptions {
  const files: string[] = [];
  const options: Partial<CliOptions> = { language: 'en', json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--trust-root') options.trustRoot = value();
    else if (arg === '--declaration') options.declarationId = value();
    else if (arg === '--crossing') options.crossingId = value();
    else if (arg === '--json') options.json = true;
    else if (arg === '--lang') {
      const lang = value();
      if (!(LANGUAGES as readonly string[]).includes(lang))
        throw new UsageError(`unknown language ${lang}`);
      options.language = lang as Language;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new UsageError('one bundle file is needed');
  const pinned = defaultTrustRoot(env);
  const trustRoot =
    options.trustRoot ?? env.CLEARANCE_TRUST_ROOT ?? (existsSync(pinned) ? pinned : undefined);
  if (!trustRoot)
    throw new UsageError(`no trust root: --trust-root, CLEARANCE_TRUST_ROOT or ${pinned}`);
  return { ...options, bundle: files[0] as string, trustRoot } as CliOptions;
}

/** Where a pinned trust root is kept when none is named. */
export function defaultTrustRoot(env: Record<string, string | undefined>): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'clearance', 'trust-root.json');
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // not JSON: the verifier names it a malformed bundle or trust root
  }
}

export function formatReport(report: VerificationReport, language: Language): string {
  const mark = { VALID: '✓', INVALID: '✗', SKIPPED: '–' } as const;
  const lines = [`${report.valid ? 'VALID' : 'NOT VALID'}: ${verdict(report, language)}`, ''];
  for (const c of report.checks)
    lines.push(
      `  ${mark[c.status]} ${c.check.padEnd(32)} ${c.target.padEnd(36)} ${c.reason ?? ''}${c.detail ? `  ${c.detail}` : ''}`,
    );
  return lines.join('\n');
}

/** Runs the command; returns the exit status. */
export async function run(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  out: (text: string) => void,
): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArguments(argv, env);
    const [bundle, trustRoot] = await Promise.all([
      readJson(options.bundle, 'bundle'),
      readJson(options.trustRoot, 'trust root'),
    ]);
    const expect = {
      ...(options.declarationId !== undefined ? { declarationId: options.declarationId } : {}),
      ...(options.crossingId !== undefined ? { crossingId: options.crossingId } : {}),
    };
    const report = await verifyBundle(bundle, trustRoot, { expect });
    out(options.json ? JSON.stringify(report, null, 2) : formatReport(report, options.language));
    return report.valid ? 0 : 1;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out(`${error.message}\n${USAGE}`);
    return 2;
  }
}

if (require.main === module) {
  run(process.argv.slice(2), process.env, (text) => console.log(text)).then(
    (status) => (process.exitCode = status),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
