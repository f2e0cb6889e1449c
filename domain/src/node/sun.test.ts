import { fromHex, toHex } from '@clearance/core';
import { aesCmac } from './cmac';
import {
  SunError,
  createSunMessage,
  diversifyTagKey,
  parseSunUrl,
  sunUrl,
  verifySunMessage,
} from './sun';

const hex = fromHex;

describe('AES-CMAC (RFC 4493 vectors)', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  it.each([
    ['', 'bb1d6929e95937287fa37d129b756746'],
    ['6bc1bee22e409f96e93d7e117393172a', '070a16b46b4d4144f79bdd9dd04a287c'],
    [
      '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411',
      'dfa66747de9ae63030ca32611497c827',
    ],
  ])('message %s', (message, mac) => {
    expect(toHex(aesCmac(key, hex(message)))).toBe(mac);
  });
});

describe('NTAG 424 DNA SUN messages', () => {
  it('verifies the AN12196 example (all-zero keys, UID 04DE5F1EACC040, counter 61)', () => {
    const zero = new Uint8Array(16);
    const message = parseSunUrl(
      'https://choose.url.com/ntag424?picc_data=EF963FF7828658A599F3041510671E88&cmac=94EED9EE65337086',
    );
    const reading = verifySunMessage(message, zero, () => zero);
    expect(toHex(reading.uid)).toBe('04de5f1eacc040');
    expect(reading.counter).toBe(61);
  });

  const metaKey = hex('00112233445566778899aabbccddeeff');
  const master = hex('0f0e0d0c0b0a09080706050403020100');
  const uid = hex('04a1b2c3d4e5f6');
  const keys = { metaKey, fileKey: diversifyTagKey(master, uid) };

  it('round-trips a tap through the URL with a diversified tag key', () => {
    const url = sunUrl('https://seal.clearance.test/t', createSunMessage(keys, uid, 1234));
    const reading = verifySunMessage(parseSunUrl(url), metaKey, (u) => diversifyTagKey(master, u));
    expect([toHex(reading.uid), reading.counter]).toEqual([toHex(uid), 1234]);
  });

  it('diversifies keys per tag', () => {
    expect(toHex(diversifyTagKey(master, uid))).not.toBe(
      toHex(diversifyTagKey(master, hex('04a1b2c3d4e5f7'))),
    );
  });

  it.each([
    [
      'a flipped MAC byte',
      (m: { mac: Uint8Array }) => (m.mac[0] = (m.mac[0] as number) ^ 1),
      'BAD_MAC',
    ],
    [
      'flipped PICC data',
      (m: { piccData: Uint8Array }) => (m.piccData[3] = (m.piccData[3] as number) ^ 1),
      'WRONG_KEY_OR_TAG',
    ],
  ] as const)('rejects %s', (_label, tamper, reason) => {
    // Fixed padding: the decrypted bytes of tampered data are then the same every run.
    const message = createSunMessage(keys, uid, 7, new Uint8Array(5));
    tamper(message);
    expect(() => verifySunMessage(message, metaKey, (u) => diversifyTagKey(master, u))).toThrow(
      expect.objectContaining({ reason }),
    );
  });

  it('rejects a MAC made with another tag key, and malformed URLs', () => {
    const forged = createSunMessage({ metaKey, fileKey: new Uint8Array(16) }, uid, 8);
    expect(() => verifySunMessage(forged, metaKey, (u) => diversifyTagKey(master, u))).toThrow(
      SunError,
    );
    for (const url of [
      'not a url',
      'https://x/t?picc_data=12&cmac=34',
      'https://x/t?cmac=0011223344556677',
    ]) {
      expect(() => parseSunUrl(url)).toThrow(expect.objectContaining({ reason: 'MALFORMED' }));
    }
  });
});
