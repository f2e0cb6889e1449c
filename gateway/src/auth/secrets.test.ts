import { hashPassword, openSecret, sealSecret, verifyPassword } from './secrets';

describe('secrets at rest', () => {
  it('verifies a password against its scrypt hash, and nothing else', async () => {
    const stored = await hashPassword('s3cret');
    expect(stored).toMatch(/^scrypt\$32768\$/);
    await expect(verifyPassword('s3cret', stored)).resolves.toBe(true);
    await expect(verifyPassword('s3cret ', stored)).resolves.toBe(false);
    await expect(verifyPassword('s3cret', 'plain')).resolves.toBe(false);
  });

  it('opens a sealed key only with the same key and the same account', () => {
    const kek = Buffer.alloc(32, 1);
    const sealed = sealSecret(kek, 'PRIVATE KEY', 'gdcustoms/officer1');
    expect(sealed.toString('latin1')).not.toContain('PRIVATE');
    expect(openSecret(kek, sealed, 'gdcustoms/officer1')).toBe('PRIVATE KEY');
    expect(() => openSecret(Buffer.alloc(32, 2), sealed, 'gdcustoms/officer1')).toThrow();
    expect(() => openSecret(kek, sealed, 'hkcustoms/officer1')).toThrow();
  });
});
