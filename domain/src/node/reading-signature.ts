/**
 * Signing and checking e-lock readings (seals/devices/reading.ts): ECDSA P-256 over the
 * RFC 8785 JSON of the reading, with Node's crypto (its thread pool checks batches).
 */
import { canonicalJson } from '@clearance/core';
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Reading, SignedReading } from '../seals/devices/reading';

export function readingBytes(reading: Reading): Buffer {
  return Buffer.from(canonicalJson(reading));
}

export function signReading(reading: Reading, privateKey: KeyObject): SignedReading {
  return {
    reading,
    signature: sign('sha256', readingBytes(reading), privateKey).toString('base64'),
  };
}

/** `publicKey` as PEM, or as a KeyObject made once (parsing PEM costs more than verifying). */
export function verifyReading(signed: SignedReading, publicKey: string | KeyObject): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verify(
      'sha256',
      readingBytes(signed.reading),
      key,
      Buffer.from(signed.signature, 'base64'),
    );
  } catch {
    return false; // an unreadable key or signature does not verify
  }
}

/**
 * verifyReading off the event loop: the check runs on libuv's thread pool (crypto.verify
 * with a callback), so thousands of readings do not hold up other requests.
 */
export function verifyReadingAsync(signed: SignedReading, publicKey: KeyObject): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verify(
        'sha256',
        readingBytes(signed.reading),
        publicKey,
        Buffer.from(signed.signature, 'base64'),
        (error, valid) => resolve(!error && valid),
      );
    } catch {
      resolve(false); // an unreadable key or signature does not verify
    }
  });
}
