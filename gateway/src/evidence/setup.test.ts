import { ConfigError } from '../config';
import { loadEvidenceConfig } from './setup';

describe('evidence settings', () => {
  it('are off without a trust root', () => {
    expect(loadEvidenceConfig({})).toBeUndefined();
  });

  it('name the other organisations as MSP=URL pairs', () => {
    expect(
      loadEvidenceConfig({
        EVIDENCE_TRUST_ROOT: '/etc/clearance/trust-root.json',
        EVIDENCE_ATTESTERS: 'HKCustomsMSP=https://gateway.hk.example, MOCustomsMSP=http://mo:3000',
      }),
    ).toEqual({
      trustRootFile: '/etc/clearance/trust-root.json',
      remote: [
        { mspId: 'HKCustomsMSP', url: 'https://gateway.hk.example' },
        { mspId: 'MOCustomsMSP', url: 'http://mo:3000' },
      ],
    });
  });

  it.each([
    [{ EVIDENCE_ATTESTERS: 'HKCustomsMSP' }],
    [{ EVIDENCE_ATTESTERS: 'HK_Customs=https://x.example' }],
    [{ EVIDENCE_ATTESTERS: 'HKCustomsMSP=file:///etc/passwd' }],
    [{ EVIDENCE_SIGNER_CERT: '/x/cert.pem' }],
    [{ EVIDENCE_SIGNER_CERT: '/nonexistent/cert.pem', EVIDENCE_SIGNER_KEY: '/nonexistent/k' }],
  ])('refuse %j by name', (env) => {
    expect(() => loadEvidenceConfig({ EVIDENCE_TRUST_ROOT: '/x/root.json', ...env })).toThrow(
      ConfigError,
    );
  });
});
