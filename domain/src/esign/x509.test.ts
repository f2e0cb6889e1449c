import { LedgerError } from '../shared/errors';
import { pemToDer } from './x509';

describe('pemToDer', () => {
  const der = Uint8Array.from({ length: 300 }, (_, i) => (i * 31) % 256);
  const base64 = Buffer.from(der).toString('base64');
  const pem = `-----BEGIN CERTIFICATE-----\n${base64.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

  it('decodes PEM and bare base64 to the same bytes, every time a copy of its own', () => {
    const first = pemToDer(pem);
    expect(first).toEqual(der);
    first[0] = 0xff; // a caller changing its copy does not change what the next caller gets
    expect(pemToDer(pem)).toEqual(der);
    expect(pemToDer(base64)).toEqual(der);
  });

  it('refuses text that is not base64, with a coded error', () => {
    expect(() =>
      pemToDer('-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----'),
    ).toThrow(LedgerError);
    expect(() => pemToDer('')).toThrow(/not PEM or base64/);
  });
});
