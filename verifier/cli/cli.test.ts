/** clearance-verify on bundle files: the verdict and exit status a script can rely on. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureBundle, fixtureTrustRoot } from '../src/testing/fixtures';
import { run } from './cli';

describe('clearance-verify', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clearance-verify-'));
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };
  const root = write('trust-root.json', fixtureTrustRoot());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const runWith = async (args: string[], env: Record<string, string> = {}) => {
    const out: string[] = [];
    const status = await run(args, env, (t) => out.push(t));
    return { status, text: out.join('\n') };
  };

  it('prints the verdict and every check, and exits 0 for a valid bundle', async () => {
    const bundle = write('release.json', fixtureBundle('gdRelease'));
    const { status, text } = await runWith([bundle, '--trust-root', root, '--lang', 'zh-HK']);
    expect(status).toBe(0);
    expect(text).toMatch(/^VALID: 已放行：由廣東海關於/);
    expect(text).toContain('✓ transaction.endorsement-policy');
    // The trust root may come from the environment instead, or be pinned in the user's
    // configuration directory.
    expect((await runWith([bundle], { CLEARANCE_TRUST_ROOT: root })).status).toBe(0);
    fs.mkdirSync(path.join(dir, 'config', 'clearance'), { recursive: true });
    fs.copyFileSync(root, path.join(dir, 'config', 'clearance', 'trust-root.json'));
    expect((await runWith([bundle], { XDG_CONFIG_HOME: path.join(dir, 'config') })).status).toBe(0);
  });

  it('exits 1 naming the failed check for a refused bundle, with --json the whole report', async () => {
    const bundle = write('invalid.json', fixtureBundle('oneAgencyRelease'));
    const { status, text } = await runWith([bundle, '--trust-root', root]);
    expect(status).toBe(1);
    expect(text).toMatch(/^NOT VALID: Not valid\. Failed check: endorsement policy/);
    const json = await runWith([bundle, '--trust-root', root, '--json']);
    expect(JSON.parse(json.text)).toMatchObject({
      valid: false,
      failed: { reason: 'POLICY_NOT_SATISFIED' },
    });
    expect((await runWith([write('junk.json', 'not json'), '--trust-root', root])).status).toBe(1);
  });

  it('exits 2 when it cannot run: no trust root, no such file, unknown option', async () => {
    const bundle = write('b.json', fixtureBundle('gdRelease'));
    expect(await runWith([bundle], { XDG_CONFIG_HOME: path.join(dir, 'none') })).toMatchObject({
      status: 2,
      text: expect.stringContaining('no trust root'),
    });
    expect((await runWith([path.join(dir, 'missing.json'), '--trust-root', root])).status).toBe(2);
    expect((await runWith([bundle, '--trust-root', root, '--lang', 'fr'])).status).toBe(2);
    expect((await runWith([bundle, '--trust-root', root, '--fast'])).status).toBe(2);
  });
});
