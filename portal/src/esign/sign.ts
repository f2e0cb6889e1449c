/**
 * What the trader signs, signed in the browser: the sign-in challenge, and a filing as
 * RFC 8785 JSON. The same canonicalisation and CMS code run in the gateway and chaincode,
 * so the bytes signed here are the bytes verified there.
 */
import { canonicalBytes } from '@clearance/core';
import { signDetached, type Filing } from '@clearance/domain';
import type { Credential } from './pkcs12';

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

type SigningKey = Parameters<typeof signDetached>[2];

/** Detached CMS over `content`, base64, with the signer's certificate included. */
export async function signBytes(
  content: Uint8Array,
  credential: Credential,
  at = new Date(),
): Promise<string> {
  const cms = await signDetached(
    content,
    credential.certificate,
    // The DOM's and Node's WebCrypto typings name the same CryptoKey differently.
    // eslint-disable-next-line no-restricted-syntax -- a key across typings, not a record
    credential.privateKey as unknown as SigningKey,
    at,
  );
  return toBase64(cms);
}

/** The body of POST /v1/declarations (and of an amendment): the filing and its signature. */
export async function signFiling(
  filing: Filing,
  credential: Credential,
  at = new Date(),
): Promise<Filing & { signature: string }> {
  const signature = await signBytes(canonicalBytes(filing), credential, at);
  return { ...filing, signature };
}
