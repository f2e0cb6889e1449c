/**
 * Who signs: an MSP identity as a session over a client's connections, and the signed
 * envelopes of its requests (signer.ts makes the signatures).
 */
import { common } from '@hyperledger/fabric-protos';
import { createPrivateKey } from 'node:crypto';
import { envelopeOf, serializedIdentity } from './protocol';
import { messageSigner, type Signer } from './signer';

/** An MSP identity: its MSP id, PEM certificate and PEM private key. */
export interface SigningIdentity {
  mspId: string;
  certificate: string;
  privateKey: string;
}

/** One identity signing over a client's connections. */
export interface Session {
  identity: SigningIdentity;
  signer: Signer;
  /** The serialized identity (creator) of every header it signs. */
  creator: Uint8Array;
}

export function newSession(identity: SigningIdentity): Session {
  return {
    identity,
    signer: messageSigner(createPrivateKey(identity.privateKey)),
    creator: serializedIdentity(identity),
  };
}

/** A payload signed into an envelope (a seek request, say). */
export async function signedEnvelope(
  session: Session,
  payload: Uint8Array,
): Promise<common.Envelope> {
  return common.Envelope.deserializeBinary(envelopeOf(payload, await session.signer(payload)));
}
