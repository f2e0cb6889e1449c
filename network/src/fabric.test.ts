import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FABRIC_TOOLS, findFabric, requireFabric } from './fabric';

function fakeHome(tools: readonly string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-home-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'config'));
  for (const t of tools) fs.writeFileSync(path.join(dir, 'bin', t), '');
  fs.writeFileSync(path.join(dir, 'config', 'core.yaml'), '');
  fs.writeFileSync(path.join(dir, 'config', 'orderer.yaml'), '');
  fs.writeFileSync(path.join(dir, 'VERSION'), '3.1.5\n');
  return dir;
}

describe('finding Fabric', () => {
  it('uses FABRIC_HOME when it holds every tool and the sample config', () => {
    const dir = fakeHome(FABRIC_TOOLS);
    expect(findFabric({ FABRIC_HOME: dir })).toEqual({
      dir,
      bin: path.join(dir, 'bin'),
      config: path.join(dir, 'config'),
      version: '3.1.5',
    });
  });

  it('names what is missing and how to get it', () => {
    const dir = fakeHome(FABRIC_TOOLS.filter((t) => t !== 'osnadmin'));
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
