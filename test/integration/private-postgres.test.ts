// The private PostgreSQL from a checkout that its server user cannot enter: a clone inside
// a mode-700 folder (root's home, mktemp -d). As root the server runs as `postgres`.
import { Devnet, postgresRoot } from '@clearance/devnet';
import { freePort } from '@clearance/testkit/gateway';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

describe('private PostgreSQL from a checkout in a private folder', () => {
  const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'private-checkout-'));
  const devnet = new Devnet({ root: path.join(privateDir, 'clearance', '.devnet'), log: () => {} });

  afterAll(async () => {
    await devnet.reset();
    fs.rmSync(privateDir, { recursive: true, force: true });
  });

  it('starts, answers queries, and reset removes its data', async () => {
    expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);
    const urls = await devnet.services({
      ...process.env,
      DATABASE_URL: undefined,
      PG_PORT: String(await freePort()),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(urls.started).toEqual(['postgres']);
    const client = new Client({ connectionString: urls.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      expect(rows[0]?.db).toBe('clearance');
    } finally {
      await client.end();
    }
    const data = postgresRoot(devnet.paths);
    expect(fs.existsSync(path.join(data, 'data', 'PG_VERSION'))).toBe(true);
    // Nothing on the way to the checkout was opened up for the server user.
    expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);

    expect(await devnet.reset()).toEqual(['postgres']);
    expect(fs.existsSync(data)).toBe(false);
  });
});
