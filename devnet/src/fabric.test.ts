import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fabricTools, findFabric, hasChannelParticipation, requireFabric } from './fabric';

function fakeHome(tools: readonly string[], version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-home-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'config'));
  for (const t of tools) fs.writeFileSync(path.join(dir, 'bin', t), '');
  fs.writeFileSync(path.join(dir, 'config', 'core.yaml'), '');
  fs.writeFileSync(path.join(dir, 'config', 'orderer.yaml'), '');
  fs.writeFileSync(path.join(dir, 'VERSION'), `${version}\n`);
  return dir;
}

describe('finding Fabric', () => {
  it('needs osnadmin only from 2.3 on, where channel participation exists', () => {
    expect(fabricTools('2.1.1')).toEqual(['peer', 'orderer', 'configtxgen', 'cryptogen']);
    expect(fabricTools('2.5.16')).toContain('osnadmin');
    expect(fabricTools('3.1.5')).toContain('osnadmin');
    expect(hasChannelParticipation('2.2.0')).toBe(false);
    expect(hasChannelParticipation('2.3.0')).toBe(true);
  });

  it('accepts a 2.1 FABRIC_HOME without osnadmin', () => {
    const dir = fakeHome(fabricTools('2.1.1'), '2.1.1');
    expect(findFabric({ FABRIC_HOME: dir })).toEqual({
      dir,
      bin: path.join(dir, 'bin'),
      config: path.join(dir, 'config'),
      version: '2.1.1',
    });
  });

  it('asks `peer version` when the install has no VERSION file, and needs osnadmin for 2.5', () => {
    const dir = fakeHome(fabricTools('2.1.1'), '');
    fs.rmSync(path.join(dir, 'VERSION'));
    const peer = path.join(dir, 'bin', 'peer');
    fs.writeFileSync(peer, '#!/bin/sh\necho "peer:\n Version: v2.5.16"\n');
    fs.chmodSync(peer, 0o755);
    expect(findFabric({ FABRIC_HOME: dir })).toBeUndefined(); // 2.5 without osnadmin
    fs.writeFileSync(path.join(dir, 'bin', 'osnadmin'), '');
    expect(findFabric({ FABRIC_HOME: dir })?.version).toBe('2.5.16');
  });

  it('names what is missing and how to get it', () => {
    const dir = fakeHome(fabricTools('2.1.1'), '3.1.5'); // a 3.x install without osnadmin
    expect(() => requireFabric({ FABRIC_HOME: dir })).toThrow(
      expect.objectContaining({
        code: 'DEPENDENCY_MISSING',
        message: expect.stringContaining(`FABRIC_HOME=${dir} has no complete Fabric install`),
        hint: expect.stringContaining('npm run fabric:install'),
      }),
    );
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-fabric-'));
    expect(() => requireFabric({ XDG_CACHE_HOME: empty })).toThrow(
      expect.objectContaining({
        code: 'DEPENDENCY_MISSING',
        message: 'Hyperledger Fabric binaries are not installed',
      }),
    );
  });
});
