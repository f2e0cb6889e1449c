export { signDetached, verifyDetachedSignature } from './cms';
export type { TrustAnchor } from './cms';
export { ecdsaRawToDer, sha256 } from './crypto';
export { hex, parseCertificate, parseCrl, pemToDer } from './x509';
