#!/usr/bin/env node
/**
 * Officer accounts from the command line (DATABASE_URL and IDENTITY_KEK as for the gateway):
 *
 *   accounts import < manifest.json
 *
 * The manifest lists `{ organisation, username, role, controlPoint?, connectionFile, password? }`: each
 * connection file names the officer's enrolled certificate and key (the devnet writes one
 * per officer), which are stored with the key sealed under IDENTITY_KEK.
 */
import * as fs from 'node:fs';
import { Pool } from 'pg';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config';
import { migrate } from '../database/migrations';
import { createAccountStore } from './accounts';

const Manifest = z.array(
  z
    .object({
      organisation: z.string().regex(/^[a-z0-9-]{1,32}$/),
      username: z.string().regex(/^[a-z0-9-]{1,32}$/),
      role: z.string().min(1).max(64),
      controlPoint: z
        .string()
        .regex(/^[A-Z]{3,8}$/)
        .optional(),
      connectionFile: z.string().min(1),
      password: z.string().min(8).max(256).optional(),
    })
    .strict(),
);

async function main(command: string | undefined): Promise<void> {
  if (command !== 'import') throw new ConfigError(['usage: accounts import < manifest.json']);
  const env = z
    .object({
      DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
      IDENTITY_KEK: z.string().regex(/^[0-9a-fA-F]{64}$/, '64 hex digits'),
    })
    .safeParse(process.env);
  if (!env.success)
    throw new ConfigError(env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const manifest = Manifest.safeParse(JSON.parse(fs.readFileSync(0, 'utf8')));
  if (!manifest.success)
    throw new ConfigError(
      manifest.error.issues.map((i) => `manifest ${i.path.join('.')}: ${i.message}`),
    );
  const pool = new Pool({ connectionString: env.data.DATABASE_URL, max: 2 });
  try {
    await migrate(pool);
    const accounts = createAccountStore(pool, Buffer.from(env.data.IDENTITY_KEK, 'hex'));
    for (const entry of manifest.data) {
      const { fabric } = loadConfig({ FABRIC_CONNECTION: entry.connectionFile });
      const id = await accounts.upsert({
        organisation: entry.organisation,
        username: entry.username,
        role: entry.role,
        controlPoint: entry.controlPoint,
        mspId: fabric.mspId,
        certificate: fabric.certificate,
        privateKey: fabric.privateKey,
        ...(entry.password ? { password: entry.password } : {}),
      });
      console.log(
        `account ${id} (${fabric.mspId}, ${entry.role})${entry.password ? '' : ', no sign-in'}`,
      );
    }
  } finally {
    await pool.end();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `accounts: ${error.message}` : error);
  process.exit(1);
});
