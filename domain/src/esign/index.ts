export { ID_GM_DATA, ID_GM_SIGNED_DATA, signDetached, verifyDetachedSignature } from './cms';
export type { SignOptions, SigningKey, VerifiedSignature } from './cms';
export {
  MAX_CARRIED_CERTIFICATES,
  MAX_CARRIED_CRLS,
  MAX_PATH_CANDIDATES,
  MAX_PATH_CERTIFICATES,
  MAX_SIGNATURE_CHECKS,
  validatePath,
} from './path';
export type { TrustAnchor, ValidatedPath } from './path';
export { CERTIFICATE_REASONS, SIGNATURE_REASONS } from './reasons';
export type { CertificateReason, SignatureReason } from './reasons';
export { OID, ecdsaRawToDer, keyKind, sha256, verifySignature } from './crypto';
export type { CryptoKey, KeyKind } from './crypto';
export {
  SM2_DEFAULT_USER_ID,
  isSm2SigningKey,
  sm2PrivateKeyFromDer,
  sm2RandomPrivateKey,
  sm2Sign,
  sm2SigningKey,
  sm2Verify,
} from './sm2';
export type { Sm2SigningKey } from './sm2';
export { sm3 } from './sm3';
export { parseCertificate, parseCrl, pemToDer } from './x509';
export type { ParsedCertificate, ParsedCrl } from './x509';
