import { NdefError, decodeUriRecord, encodeUriRecord } from './ndef';

describe('NDEF URI records', () => {
  it('round-trips a SUN URL with the https:// prefix code', () => {
    const url =
      'https://seal.clearance.test/t?picc_data=EF963FF7828658A599F3041510671E88&cmac=94EED9EE65337086';
    const message = encodeUriRecord(url);
    expect(message.slice(0, 5)).toEqual(
      new Uint8Array([0xd1, 0x01, url.length - 8 + 1, 0x55, 0x04]),
    );
    expect(decodeUriRecord(message)).toBe(url);
  });

  it('refuses messages without a URI record or cut short', () => {
    expect(() => decodeUriRecord(new Uint8Array([0xd1, 0x01, 0x02, 0x54, 0x02, 0x65]))).toThrow(
      NdefError,
    );
    expect(() => decodeUriRecord(encodeUriRecord('https://x.test/').slice(0, 6))).toThrow(
      NdefError,
    );
  });
});
