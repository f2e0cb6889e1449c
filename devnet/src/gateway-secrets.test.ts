import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ONE_HOST_OFFICERS, OFFICERS } from './definition';
import { gatewaySecrets, signsIn } from './gateway-secrets';
import { officersOf } from './host-gateway-cli';
import { attributesOf } from './officers';

describe('the gateway secrets of a devnet', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('are made once: a password for everyone who signs in, the same file read back', () => {
    const made = gatewaySecrets(root);
    const signing = ONE_HOST_OFFICERS.filter((o) => signsIn(o.role)).map(
      (o) => `${o.org}/${o.name}`,
    );
    expect(Object.keys(made.passwords).sort()).toEqual(signing.sort());
    expect(gatewaySecrets(root)).toEqual(made);
    expect(fs.statSync(path.join(root, 'gateway', 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('of one organisation’s gateway hold passwords of its own officers only', () => {
    const hk = gatewaySecrets(root, officersOf('hkcustoms'));
    expect(Object.keys(hk.passwords).sort()).toEqual([
      'hkcustoms/lane-lmc',
      'hkcustoms/officer1',
      'hkcustoms/trust-admin',
    ]);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    try {
      // Another organisation's gateway: its own key encryption key and tag keys.
      const gd = gatewaySecrets(other, officersOf('gdcustoms'));
      expect(Object.keys(gd.passwords).every((a) => a.startsWith('gdcustoms/'))).toBe(true);
      expect(gd.identityKek).not.toBe(hk.identityKek);
      expect(gd.tagMasterKey).not.toBe(hk.tagMasterKey);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('give an identity defined after the devnet was made (the lane device) a password, keeping the rest', () => {
    const made = gatewaySecrets(root);
    const { ['hkcustoms/lane-lmc']: lane, ...older } = made.passwords;
    expect(lane).toBeDefined();
    const file = path.join(root, 'gateway', 'secrets.json');
    fs.writeFileSync(file, JSON.stringify({ ...made, passwords: older }));
    const again = gatewaySecrets(root);
    expect(again.identityKek).toBe(made.identityKek);
    expect(again.tagMasterKey).toBe(made.tagMasterKey);
    expect(again.passwords).toMatchObject(older);
    expect(again.passwords['hkcustoms/lane-lmc']).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(again);
  });
});

describe('officer certificate attributes', () => {
  it('carry the role, and a lane device its control point', () => {
    expect(OFFICERS.map(attributesOf)).toContainEqual({
      role: 'lane-device',
      controlPoint: 'LMC',
    });
    expect(attributesOf({ org: 'gdcustoms', name: 'officer1', role: 'customs-officer' })).toEqual({
      role: 'customs-officer',
    });
  });
});
