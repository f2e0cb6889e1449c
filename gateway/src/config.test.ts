/** Connection files: the peers and orderers of the network, the home peer alone without them. */
import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig, loadIndexConfig } from './config';

const PEM = '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n';

const made: string[] = [];
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function connectionFile(extra: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conn-'));
  made.push(dir);
  for (const name of ['tls.pem', 'cert.pem', 'key.pem', 'ciq-tls.pem', 'orderer-tls.pem'])
    fs.writeFileSync(path.join(dir, name), PEM.replace('MA==', `${name}==`));
  const file = path.join(dir, 'gd.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      mspId: 'GDCustomsMSP',
      peerEndpoint: '127.0.0.1:7051',
      peerHostAlias: 'peer0.gd',
      tlsRootCertPath: 'tls.pem',
      certPath: 'cert.pem',
      keyPath: 'key.pem',
      channel: 'clearance',
      chaincode: 'clearance',
      ...extra,
    }),
  );
  return file;
}

describe('loadConfig: the Fabric connection', () => {
  it('reads every peer and orderer with its TLS root (paths relative to the file)', () => {
    const file = connectionFile({
      peers: [
        {
          mspId: 'GDCustomsMSP',
          endpoint: '127.0.0.1:7051',
          hostAlias: 'peer0.gd',
          tlsRootCertPath: 'tls.pem',
        },
        {
          mspId: 'GDCIQMSP',
          endpoint: '127.0.0.1:8051',
          hostAlias: 'peer0.ciq',
          tlsRootCertPath: 'ciq-tls.pem',
        },
      ],
      orderers: [
        { endpoint: '127.0.0.1:7050', hostAlias: 'orderer1', tlsRootCertPath: 'orderer-tls.pem' },
      ],
    });
    const { fabric } = loadConfig({ FABRIC_CONNECTION: file });
    expect(fabric.peers?.map((p) => [p.mspId, p.endpoint, p.hostAlias])).toEqual([
      ['GDCustomsMSP', '127.0.0.1:7051', 'peer0.gd'],
      ['GDCIQMSP', '127.0.0.1:8051', 'peer0.ciq'],
    ]);
    expect(fabric.peers?.[1]?.tlsRootCert).toContain('ciq-tls.pem==');
    expect(fabric.orderers).toEqual([
      {
        endpoint: '127.0.0.1:7050',
        hostAlias: 'orderer1',
        tlsRootCert: expect.stringContaining('orderer-tls.pem=='),
      },
    ]);
  });

  it('leaves peers and orderers out of a file that has none (the home peer alone)', () => {
    const { fabric } = loadConfig({ FABRIC_CONNECTION: connectionFile({}) });
    expect(fabric.peers).toBeUndefined();
    expect(fabric.orderers).toBeUndefined();
    expect(fabric.peerEndpoint).toBe('127.0.0.1:7051');
  });

  it('names a peer whose TLS root cannot be read, and a bad endpoint', () => {
    const missing = connectionFile({
      peers: [
        {
          mspId: 'GDCIQMSP',
          endpoint: '127.0.0.1:8051',
          hostAlias: 'p',
          tlsRootCertPath: 'nope.pem',
        },
      ],
    });
    expect(() => loadConfig({ FABRIC_CONNECTION: missing })).toThrow(
      /peers\.0\.tlsRootCertPath .*nope\.pem cannot be read/,
    );
    const bad = connectionFile({
      orderers: [{ endpoint: 'no-port', hostAlias: 'o', tlsRootCertPath: 'tls.pem' }],
    });
    expect(() => loadConfig({ FABRIC_CONNECTION: bad })).toThrow(ConfigError);
  });
});

describe('loadIndexConfig: what each index command reads', () => {
  const DATABASE_URL = 'postgres://index@127.0.0.1:5432/index';

  it('compare, run and rebuild: the database and the connection, no Redis nor key encryption key', () => {
    const file = connectionFile({});
    for (const command of ['compare', 'run', 'rebuild']) {
      const config = loadIndexConfig({ DATABASE_URL, FABRIC_CONNECTION: file }, command);
      expect([config.databaseUrl, config.fabric?.mspId]).toEqual([DATABASE_URL, 'GDCustomsMSP']);
    }
  });

  it('migrate: the database alone', () => {
    expect(loadIndexConfig({ DATABASE_URL }, 'migrate')).toEqual({ databaseUrl: DATABASE_URL });
  });

  it('names what is missing or wrong', () => {
    const problems = (env: NodeJS.ProcessEnv, command: string) => {
      try {
        loadIndexConfig(env, command);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems({ DATABASE_URL }, 'compare')).toEqual([
      'FABRIC_CONNECTION: index compare needs a connection file',
    ]);
    expect(problems({ DATABASE_URL: 'mysql://x' }, 'migrate')).toEqual([
      'DATABASE_URL: a postgres:// URL is required',
    ]);
  });
});
