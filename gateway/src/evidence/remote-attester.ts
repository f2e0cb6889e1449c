/**
 * Another organisation's statement of validity, asked of its own gateway over HTTP
 * (`POST /v1/evidence/attestations`): each customs service states what its own peer
 * recorded, signed with its own key, and neither holds the other's. Nothing it answers is
 * trusted here: the answer must parse as an attestation of the organisation asked, and the
 * verifier checks its signature, signer and claims like any other.
 */
import { AttestationSchema, type Attester } from '@clearance/verifier';
import { ApiError } from '../errors';

export const ATTESTATIONS_PATH = '/v1/evidence/attestations';

export function remoteAttester(options: {
  mspId: string;
  /** The organisation's gateway, e.g. https://gateway.hk.example */
  url: string;
  timeoutMs?: number;
}): Attester {
  const endpoint = new URL(ATTESTATIONS_PATH, options.url);
  const unavailable = (why: string, cause?: unknown) =>
    new ApiError('NOT_READY', `${options.mspId} gave no statement of validity: ${why}`, {
      cause,
    });
  return {
    mspId: options.mspId,
    async attest(claims) {
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          // Base64 of the JSON: ledger keys hold NUL separators (see the route).
          body: JSON.stringify({ claims: Buffer.from(JSON.stringify(claims)).toString('base64') }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        throw unavailable('its gateway cannot be reached', error);
      }
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok)
        throw unavailable(`HTTP ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      const attestation = AttestationSchema.safeParse(body);
      if (!attestation.success || attestation.data.signer.mspId !== options.mspId)
        throw unavailable('its answer is not its attestation');
      return attestation.data;
    },
  };
}
