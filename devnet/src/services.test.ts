import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DevnetPaths } from './paths';
import { postgresRoot, userHome } from './services';

describe('userHome', () => {
  it('reads the home folder from a passwd file, and undefined for an unknown user', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passwd-'));
    const passwd = path.join(dir, 'passwd');
    fs.writeFileSync(
      passwd,
      'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104::/var/lib/postgresql:/bin/bash\n',
    );
    expect(userHome('postgres', passwd)).toBe('/var/lib/postgresql');
    expect(userHome('nobody-here', passwd)).toBeUndefined();
    expect(userHome('postgres', path.join(dir, 'missing'))).toBeUndefined();
    fs.rmSync(dir, { recursive: true });
  });
});

describe('postgresRoot', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pghome-'));
  afterAll(() => fs.rmSync(home, { recursive: true }));

  it('stays under the devnet folder when the cluster runs as the caller', () => {
    const paths = new DevnetPaths('/home/ann/work/clearance/.devnet');
    expect(postgresRoot(paths, false, home)).toBe('/home/ann/work/clearance/.devnet/postgres');
  });

  it("as root, lives in the postgres user's home, one folder per checkout", () => {
    const a = postgresRoot(new DevnetPaths('/root/a/clearance/.devnet'), true, home);
    const b = postgresRoot(new DevnetPaths('/root/b/clearance/.devnet'), true, home);
    expect(path.dirname(a)).toBe(path.join(home, 'clearance-ledger'));
    expect(path.basename(a)).toMatch(/^clearance-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(postgresRoot(new DevnetPaths('/root/a/clearance/.devnet'), true, home)).toBe(a);
  });

  it('falls back to the temporary folder when the postgres home does not exist', () => {
    const root = postgresRoot(new DevnetPaths('/root/x/.devnet'), true, '/nonexistent/home');
    expect(root.startsWith(path.join(os.tmpdir(), 'clearance-ledger'))).toBe(true);
  });
});
