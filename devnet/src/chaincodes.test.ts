import { NAMESPACE_POLICIES, NAMESPACES, signaturePolicy } from '@clearance/domain';
import { CHAINCODES, chaincodeLabel, chaincodeProcessName } from './definition';

describe('the chaincode definitions the devnet commits', () => {
  it("are the chaincode's namespaces, with the policies and collections it guards by", () => {
    expect(CHAINCODES.map((cc) => cc.name).sort()).toEqual([...NAMESPACES].sort());
    for (const cc of CHAINCODES) {
      const ns = NAMESPACES.find((n) => n === cc.name);
      if (!ns) throw new Error(`${cc.name} is no namespace of the chaincode`);
      expect(cc.endorsementPolicy).toBe(signaturePolicy(ns));
      const { collection, sharedCollection } = NAMESPACE_POLICIES[ns];
      const expected = [collection, sharedCollection].flatMap((c) => (c ? [c] : []));
      expect(cc.collections.map((c) => c.name)).toEqual(expected.map((c) => c.name));
      for (const [i, c] of cc.collections.entries()) {
        expect(c.policy).toBe(
          `OR(${(expected[i]?.members ?? []).map((m) => `'${m}.member'`).join(', ')})`,
        );
        expect(c).toMatchObject({ memberOnlyRead: true, memberOnlyWrite: true });
      }
    }
  });

  it('gives each definition its own package label, server port and process', () => {
    const distinct = <T>(values: T[]) => new Set(values).size === values.length;
    expect(distinct(CHAINCODES.map(chaincodeLabel))).toBe(true);
    expect(distinct(CHAINCODES.map((cc) => cc.serverPort.single))).toBe(true);
    expect(distinct(CHAINCODES.map((cc) => cc.serverPort.hosts))).toBe(true);
    expect(CHAINCODES.map(chaincodeProcessName)).toEqual([
      'chaincode',
      'chaincode-gd',
      'chaincode-hk',
    ]);
  });
});
