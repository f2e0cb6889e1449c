import { createTestPki, type TestPki } from '@clearance/testkit/chaincode';
import { verifyDetachedSignature } from './cms';
import { readTlv, splitSignedData } from './der';

let pki: TestPki;
let cms: Uint8Array;
const content = new TextEncoder().encode('{"declarationId":"D-1"}');
beforeAll(async () => {
  pki = await createTestPki();
  cms = await pki.signers.gdTrader.sign(content);
}, 60_000);

describe('splitSignedData', () => {
  it('lifts the signer certificate exactly as sent, and the other fields as DER', () => {
    const parts = splitSignedData(cms);
    expect(parts.certificates).toEqual([pki.signers.gdTrader.certificate]);
    expect(readTlv(parts.encapContentInfo, 0)).toMatchObject({ tag: 0x30 });
    expect(readTlv(parts.signerInfos, 0)).toMatchObject({
      tag: 0x31,
      end: parts.signerInfos.length,
    });
  });

  it('refuses trailing bytes, another content type and a truncated structure', () => {
    expect(() => splitSignedData(Uint8Array.from([...cms, 0]))).toThrow('not one ContentInfo');
    const otherType = cms.slice();
    const oidAt = otherType.indexOf(0x07, 4); // ...0x01, 0x07, 0x02: id-signedData's last arc
    otherType[oidAt + 1] = 0x01; // id-data
    expect(() => splitSignedData(otherType)).toThrow('not SignedData content');
    expect(() => splitSignedData(cms.subarray(0, cms.length - 10))).toThrow();
  });

  it('makes a malformed signature a SIGNATURE_INVALID refusal, not another error', async () => {
    await expect(
      verifyDetachedSignature(content, Uint8Array.from([...cms, 0]), pki.anchors(), new Date()),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      detail: 'the signature is not a DER CMS SignedData structure',
    });
  });
});
