import type { Context } from 'fabric-contract-api';
import { callerOf, requireAttribute, requireMsp, txTime } from './identity';

function context(
  mspId: string,
  attributes: Record<string, string>,
  seconds = 1_767_225_600,
  nanos = 5e8,
): Context {
  return {
    clientIdentity: {
      getMSPID: () => mspId,
      getID: () => 'x509::CN=officer7::CN=ca',
      getAttributeValue: (name: string) => attributes[name] ?? null,
    },
    stub: { getTxTimestamp: () => ({ seconds, nanos }) },
  } as unknown as Context;
}

describe('identity helpers', () => {
  it('read the caller from the client identity', () => {
    const caller = callerOf(context('GDCIQMSP', { role: 'inspector' }));
    expect(caller.mspId).toBe('GDCIQMSP');
    expect(caller.id).toBe('x509::CN=officer7::CN=ca');
    expect(caller.attribute('role')).toBe('inspector');
    expect(caller.attribute('office')).toBeUndefined();
  });

  it('admit only the listed MSPs', () => {
    const caller = callerOf(context('LogisticsMSP', {}));
    expect(() => requireMsp(caller, ['LogisticsMSP'])).not.toThrow();
    expect(() => requireMsp(caller, ['GDCustomsMSP', 'GDCIQMSP'])).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('admit only listed attribute values, and say which was found', () => {
    const officer = callerOf(context('GDCustomsMSP', { role: 'customs-officer' }));
    expect(requireAttribute(officer, 'role', ['customs-officer', 'supervisor'])).toBe(
      'customs-officer',
    );
    expect(() => requireAttribute(officer, 'role', ['supervisor'])).toThrow(
      expect.objectContaining({
        code: 'FORBIDDEN',
        detail: 'certificate attribute role=customs-officer is not one of supervisor',
      }),
    );
    const nobody = callerOf(context('GDCustomsMSP', {}));
    expect(() => requireAttribute(nobody, 'role', ['supervisor'])).toThrow(
      expect.objectContaining({
        detail: 'certificate attribute role=(none) is not one of supervisor',
      }),
    );
  });

  it('take time from the transaction timestamp, identical on every peer', () => {
    expect(txTime(context('GDCustomsMSP', {}))).toBe('2026-01-01T00:00:00.500Z');
  });
});
